import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { Clock } from '../clock/clock.js';

export type ServiceStart =
  | { outcome: 'present' }
  | { outcome: 'started'; pid: number | undefined }
  | { outcome: 'unavailable'; why: string };

function onPath(binary: string, path: string): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Makes sure the Podman API answers on `socketPath`: when nothing is there and `podman` is
 * installed, starts `podman system service` for it, detached, so that it outlives this
 * process as socket activation would (`--time=0`: it never exits on its own). Resolves once
 * the socket exists, or says why it could not be had.
 */
export async function ensurePodmanService(options: {
  socketPath: string;
  binary: string;
  env: Record<string, string>;
  clock: Clock;
  waitMs?: number;
}): Promise<ServiceStart> {
  const { socketPath, binary, env, clock } = options;
  if (existsSync(socketPath)) return { outcome: 'present' };
  if (!onPath(binary, env.PATH ?? ''))
    return { outcome: 'unavailable', why: `no ${binary} on PATH` };
  mkdirSync(dirname(socketPath), { recursive: true });
  const child = spawn(binary, ['system', 'service', '--time=0', `unix://${socketPath}`], {
    detached: true,
    stdio: 'ignore',
    env,
  });
  const failed = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(error.message));
    child.once('exit', (code) => resolve(`podman system service exited (${code})`));
  });
  child.unref();
  const deadline = clock.now().getTime() + (options.waitMs ?? 10_000);
  while (clock.now().getTime() < deadline) {
    if (existsSync(socketPath)) return { outcome: 'started', pid: child.pid };
    const why = await Promise.race([
      failed,
      new Promise<undefined>((resolve) => clock.setTimeout(() => resolve(undefined), 100)),
    ]);
    if (why !== undefined) return { outcome: 'unavailable', why };
  }
  return {
    outcome: 'unavailable',
    why: `no socket at ${socketPath} after starting podman system service`,
  };
}
