import type { Logger } from '../log/logger.js';
import type { WorkspaceDriver, WorkspaceStatus } from './driver.js';
import { startedSince } from './restarts.js';

/** A live session, as far as the start-up report needs it. */
export interface SessionShell {
  userId: number;
  /** The last time its shell was known to run (its last attach), if ever. */
  shellSeenAt: Date | null;
}

/**
 * Workspaces outlive the server: after a restart or a crash, they are found again here.
 * Sessions whose workspace stopped or started since their shell last ran have lost it; the
 * log says how many, and each one's next attach makes a new shell that says so.
 */
export async function reportWorkspaces(
  driver: WorkspaceDriver,
  log: Logger,
  sessions: SessionShell[] = [],
): Promise<void> {
  try {
    for (const w of await driver.list()) {
      const { userId: user, container, state, containerId, startedAt } = w;
      log.info({ user, container, state, containerId, startedAt }, 'workspace found');
      const lost = sessions.filter((s) => String(s.userId) === user && shellLost(s, w)).length;
      if (lost > 0)
        log.info(
          { user, container, sessions: lost },
          'workspace restarted while the server was away; its sessions get new shells',
        );
    }
  } catch (error) {
    log.warn({ err: error }, 'workspaces could not be listed yet; /readyz reports Podman');
  }
}

function shellLost({ shellSeenAt }: SessionShell, workspace: WorkspaceStatus): boolean {
  if (!shellSeenAt) return false;
  return workspace.state !== 'running' || startedSince(workspace.startedAt, shellSeenAt);
}
