import { TERMINAL_USER, TMUX_PANE_COMMANDS } from '../tmux/tmux.js';
import type { WorkspaceDriver } from '../workspaces/driver.js';

/** What a pane runs when nothing is going on in it: the user's shell at its prompt. */
const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'fish', 'login']);

/**
 * The programs running in the foreground of a workspace's sessions, other than shells at
 * their prompt: a build, an editor, an agent. Empty when no session has a program going
 * (or there is no tmux server, or the workspace is not running); a workspace can then be
 * recreated without cutting anything off but idle shells.
 */
export async function runningPrograms(
  workspaces: Pick<WorkspaceDriver, 'run'>,
  userId: string,
): Promise<string[]> {
  const result = await workspaces.run(userId, TMUX_PANE_COMMANDS, { user: TERMINAL_USER });
  // tmux ends with 1 when its server is not running: no session, nothing running.
  if (result?.exitCode !== 0) return [];
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((command) => command !== '' && !SHELLS.has(command));
}
