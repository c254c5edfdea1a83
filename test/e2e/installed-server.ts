import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../support/eventually.js';
import { HOST_USER, type SystemdHost } from '../support/systemd-host.js';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
export const CHECKOUT = `${HOST_USER.home}/claude-web`;

export interface InstalledServer {
  port: number;
  /** `node bin/claude-web.js ARGS…` in the checkout, as the host's user. */
  cli(args: string[]): Promise<string>;
  mainPid(): Promise<number>;
  /** The server's log lines (JSON) since the unit was installed. */
  logs(): Promise<Record<string, unknown>[]>;
  /** Resolves once /readyz answers 200; fails after `timeoutMs`. */
  waitReady(timeoutMs?: number): Promise<void>;
  uninstall(): Promise<void>;
}

/**
 * Installs this checkout in the host as its lingering user, following "Running as a user
 * service" in the README. The checkout arrives as `npm ci` left it here (hard links), and
 * the host gets this machine's Node.
 */
export async function installServer(
  host: SystemdHost,
  env: Record<string, string>,
): Promise<InstalledServer> {
  const local = join(host.root, CHECKOUT);
  rmSync(local, { recursive: true, force: true });
  mkdirSync(local, { recursive: true });
  await run('cp', ['-al', `${repo}/.`, local]);
  // `cp -a` gives the copy the mode of the checkout's own directory, which may be private
  // (a clone into a `mktemp -d` folder is 0700); the host's user must be able to enter it.
  chmodSync(local, 0o755);
  rmSync(join(local, '.env'), { force: true });
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const settings = { ...env, LISTEN_PORT: String(port) };
  writeFileSync(
    join(local, '.env'),
    Object.entries(settings)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  copyFileSync(process.execPath, join(host.root, 'usr/local/bin/node'));
  chmodSync(join(host.root, 'usr/local/bin/node'), 0o755);
  const since = (await host.user(['date', '+%Y-%m-%d %H:%M:%S'])).stdout.trim();
  await host.user([
    'sh',
    '-c',
    `mkdir -p ~/.config/systemd/user && cp ${CHECKOUT}/systemd/claude-web.service ~/.config/systemd/user/ &&
     systemctl --user daemon-reload && systemctl --user enable --now claude-web.service`,
  ]);
  const server: InstalledServer = {
    port,
    cli: async (args) =>
      (await host.user(['sh', '-c', `cd ${CHECKOUT} && node bin/claude-web.js ${args.join(' ')}`]))
        .stdout,
    mainPid: async () =>
      Number(
        (await host.systemctl(['show', '-p', 'MainPID', '--value', 'claude-web.service'])).trim(),
      ),
    logs: async () =>
      (
        await host.user([
          'journalctl',
          '--user',
          '-u',
          'claude-web.service',
          '-o',
          'cat',
          '--since',
          since,
          '--no-pager',
        ])
      ).stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async waitReady(timeoutMs = 60_000) {
      await eventually(
        async () => {
          const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.status,
            () => 0,
          );
          if (status !== 200)
            throw new Error(`the server on port ${port} is not ready (last: ${status})`);
        },
        { withinMs: timeoutMs, everyMs: 250 },
      );
    },
    async uninstall() {
      await host.user([
        'sh',
        '-c',
        'systemctl --user disable --now claude-web.service; rm -f ~/.config/systemd/user/claude-web.service; systemctl --user daemon-reload',
      ]);
      rmSync(local, { recursive: true, force: true });
    },
  };
  await server.waitReady();
  return server;
}
