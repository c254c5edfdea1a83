import type { Clock } from '../clock/clock.js';
import type { PodmanClient } from '../podman/client.js';
import { notExecable } from './errors.js';

/** A started container accepts exec sessions once its init runs; this waits up to 10 s. */
export async function waitUntilExecable(
  podman: PodmanClient,
  clock: Clock,
  container: string,
): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const { exitCode } = await podman.exec.run(container, ['true']);
      if (exitCode === 0) return;
      lastError = new Error(`\`true\` exited with ${exitCode}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 200));
  }
  throw notExecable(container, lastError);
}
