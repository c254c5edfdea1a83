import type { PodmanClient } from '../podman/client.js';
import type { CommandResult } from './driver.js';

/** `WorkspaceDriver.run` for both Podman drivers: the container by name, if it runs. */
export async function runInContainer(
  podman: PodmanClient,
  container: string,
  command: string[],
  options: { user?: string } = {},
): Promise<CommandResult | undefined> {
  const found = await podman.containers.findByName(container);
  if (found?.State !== 'running') return undefined;
  return podman.exec.run(container, command, options);
}
