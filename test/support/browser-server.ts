import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PodmanClient } from '../../src/podman/client.js';
import { workspaceNames } from '../../src/quadlet/names.js';
import { freePort, seedUsers, serverEnv, startServerProcess } from './server-process.js';

export const PASSWORD = 'correct horse battery';

/**
 * The real server on this machine's test Podman with seeded users, and a browser page on
 * it. `close()` removes every workspace and volume of those users.
 */
export async function startBrowserServer(
  browser: Browser,
  podman: PodmanClient,
  options: {
    users: string[];
    admins?: string[];
    env?: Record<string, string>;
    viewport?: { width: number; height: number };
  },
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-browser-'));
  const ids = await seedUsers(dataDir, options.users, PASSWORD, { admins: options.admins });
  const port = await freePort();
  const env = { ...serverEnv(dataDir, port), ...options.env };
  let server: ChildProcess = await startServerProcess(env);
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1200, height: 800 },
  });
  const page: Page = await context.newPage();
  return {
    ids,
    page,
    origin: `http://127.0.0.1:${port}`,
    server: () => server,
    /** kill -9, then the same server again on the same data. */
    async restart() {
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      server = await startServerProcess(env);
    },
    async login(username: string) {
      await page.goto(`http://127.0.0.1:${port}`);
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', PASSWORD);
      await page.click('button[type=submit]');
    },
    async close() {
      await context.close();
      server.kill('SIGKILL');
      for (const id of ids) {
        const names = workspaceNames(String(id));
        await podman.containers
          .remove(names.container, { force: true, timeoutSeconds: 0 })
          .catch(() => {});
        await podman.volumes.remove(names.volume, { force: true }).catch(() => {});
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type BrowserServer = Awaited<ReturnType<typeof startBrowserServer>>;
