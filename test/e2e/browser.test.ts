import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/quadlet/names.js';
import { realBrowser, screen, waitForScreen } from '../support/browser.js';
import { realPodman } from '../support/podman.js';
import { freePort, seedUsers, serverEnv, startServerProcess } from '../support/server-process.js';

const podman = await realPodman();
const browser = podman ? await realBrowser() : undefined;
const PASSWORD = 'correct horse battery';

describe.skipIf(!browser)('the browser terminal (Chromium, real server, real Podman)', () => {
  if (!browser || !podman) return;
  const b: Browser = browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-browser-'));
  let server: ChildProcess | undefined;
  let env: Record<string, string> = {};
  let origin = '';
  let userId = 0;
  let page: Page;

  beforeAll(async () => {
    [userId = 0] = await seedUsers(dataDir, ['alice'], PASSWORD);
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    env = serverEnv(dataDir, port);
    server = await startServerProcess(env);
    page = await (await b.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
  });
  afterAll(async () => {
    await b.close();
    server?.kill('SIGKILL');
    await podman.containers
      .remove(workspaceNames(String(userId)).container, { force: true, timeoutSeconds: 0 })
      .catch(() => {});
    await podman.volumes
      .remove(workspaceNames(String(userId)).volume, { force: true })
      .catch(() => {});
    await podman.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs in and runs a command: echo $((6*7)) shows 42', async () => {
    await page.goto(origin);
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await waitForScreen(page, /developer@\S+:~\$/);
    await page.keyboard.type('echo $((6*7))\n');
    await waitForScreen(page, /^42$/m);
  });

  it('keeps the screen and a background program through a reload', async () => {
    await page.keyboard.type('sleep 600 & echo $! > ~/pid\n');
    await page.reload();
    await waitForScreen(page, /^42$/m);
    await page.keyboard.type('kill -0 $(cat ~/pid) && echo ALIVE=$((1+1))\n');
    await waitForScreen(page, /ALIVE=2/);
  });

  it('reconnects by itself after kill -9 of the server, with the earlier output on screen', async () => {
    server?.kill('SIGKILL');
    await once(server as ChildProcess, 'exit');
    server = await startServerProcess(env);
    await waitForScreen(page, /ALIVE=2/);
    await expect.poll(() => page.locator('#overlay').isHidden(), { timeout: 30_000 }).toBe(true);
    await page.keyboard.type('echo BACK=$((20+1))\n');
    await waitForScreen(page, /BACK=21/);
  });

  it('follows the window size: tput cols matches the terminal', async () => {
    await page.setViewportSize({ width: 700, height: 500 });
    const cols = await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              (globalThis as unknown as { claudeWebTerminal: { cols: number } }).claudeWebTerminal
                .cols,
          ),
        { timeout: 10_000 },
      )
      .toBeLessThan(100)
      .then(() =>
        page.evaluate(
          () =>
            (globalThis as unknown as { claudeWebTerminal: { cols: number } }).claudeWebTerminal
              .cols,
        ),
      );
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.type('echo "COLS=$(tput cols)"\n');
      const seen = await expect
        .poll(() => screen(page), { timeout: 1_000 })
        .toContain(`COLS=${cols}`)
        .then(
          () => true,
          () => false,
        );
      if (seen) break;
      expect(attempt).toBeLessThan(20);
    }
  });
});
