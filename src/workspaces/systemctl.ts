import { execFile } from 'node:child_process';
import { systemctlFailed } from './errors.js';

/** Runs `systemctl --user ARGS…` for the account claude-web runs as; resolves its stdout. */
export type Systemctl = (args: string[]) => Promise<string>;

export function createSystemctl(): Systemctl {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile('systemctl', ['--user', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
        if (error) reject(systemctlFailed(args, error.code, stderr, stdout));
        else resolve(stdout);
      });
    });
}

/**
 * `daemon-reload`, one at a time. A caller arriving while a reload runs may have written
 * its files after that reload read them, so it waits for the next one, which every such
 * caller shares.
 */
export function createDaemonReload(systemctl: Systemctl): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const reload = (): Promise<void> => {
    if (!running) {
      running = systemctl(['daemon-reload']).then(
        () => {
          running = undefined;
        },
        (error: unknown) => {
          running = undefined;
          throw error;
        },
      );
      return running;
    }
    next ??= running
      .catch(() => {})
      .then(() => {
        next = undefined;
        return reload();
      });
    return next;
  };
  return reload;
}
