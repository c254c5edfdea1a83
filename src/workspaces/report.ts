import type { Logger } from '../log/logger.js';
import type { WorkspaceDriver } from './driver.js';

/** Workspaces outlive the server: after a restart or a crash, they are found again here. */
export async function reportWorkspaces(driver: WorkspaceDriver, log: Logger): Promise<void> {
  try {
    for (const w of await driver.list()) {
      const { userId: user, container, state, containerId, startedAt } = w;
      log.info({ user, container, state, containerId, startedAt }, 'workspace found');
    }
  } catch (error) {
    log.warn({ err: error }, 'workspaces could not be listed yet; /readyz reports Podman');
  }
}
