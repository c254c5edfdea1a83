import { startedSince } from '../workspaces/restarts.js';

/**
 * What a user reads above the prompt when attaching has to make a new shell for a session
 * whose shell once ran: the shell and everything in it are gone, and they should know why
 * rather than find a fresh prompt where their work was.
 */
export const NEW_SHELL_BANNERS = {
  restarted: 'claude-web: this workspace restarted; this is a new shell.',
  ended: 'claude-web: the previous shell of this session ended; this is a new shell.',
} as const;

/**
 * The banner for a session whose shell last ran at `shellSeenAt` (none before its first
 * attach) in a workspace started at `workspaceStartedAt`: a start after it means a restart
 * took the shell; otherwise the shell ended by itself (`exit`, a killed tmux).
 */
export function newShellBanner(
  shellSeenAt: Date | null,
  workspaceStartedAt: Date | undefined,
): string | undefined {
  if (!shellSeenAt) return undefined;
  const restarted = startedSince(workspaceStartedAt, shellSeenAt);
  return restarted ? NEW_SHELL_BANNERS.restarted : NEW_SHELL_BANNERS.ended;
}
