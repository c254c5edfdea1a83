import { type ChildProcess, execFileSync } from 'node:child_process';
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

describe.skipIf(!browser)('tabs and a dead session in the browser, over the pty driver', () => {
  if (!browser || !podman) return;
  const b: Browser = browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-tabs-'));
  let server: ChildProcess | undefined;
  let userId = 0;
  let page: Page;
  const tab = (name: string) => page.locator('#tabs button[data-id]', { hasText: name });

  beforeAll(async () => {
    [userId = 0] = await seedUsers(dataDir, ['tabby'], PASSWORD);
    const port = await freePort();
    server = await startServerProcess({
      ...serverEnv(dataDir, port),
      TERMINAL_ATTACH: 'pty',
    });
    page = await (await b.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
    await page.goto(`http://127.0.0.1:${port}`);
    await page.fill('input[name=username]', 'tabby');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
  });
  afterAll(async () => {
    await b.close();
    server?.kill('SIGKILL');
    const names = workspaceNames(String(userId));
    await podman.containers
      .remove(names.container, { force: true, timeoutSeconds: 0 })
      .catch(() => {});
    await podman.volumes.remove(names.volume, { force: true }).catch(() => {});
    await podman.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the first tab through podman exec -it in a local pty', async () => {
    await waitForScreen(page, /developer@\S+:~\$/);
    await page.keyboard.type('echo FIRST=$((3*3))\n');
    await waitForScreen(page, /^FIRST=9$/m);
    // The terminal is a `podman --remote exec -it` child of the server, not a libpod exec.
    const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(server?.pid)], {
      encoding: 'utf8',
    });
    expect(children).toMatch(/podman --remote .*exec .*-it/);
  });

  it('opens a second session in a new tab, each keeping its own screen', async () => {
    await page.click('#new-tab');
    await expect.poll(() => tab('shell 2').getAttribute('aria-selected')).toBe('true');
    await waitForScreen(page, /developer@\S+:~\$/);
    expect(await screen(page)).not.toMatch(/FIRST=9/);
    await page.keyboard.type('echo SECOND=$((4*4))\n');
    await waitForScreen(page, /^SECOND=16$/m);

    await tab('main').click();
    await waitForScreen(page, /^FIRST=9$/m);
    expect(await screen(page)).not.toMatch(/SECOND=16/);
    await tab('shell 2').click();
    await waitForScreen(page, /^SECOND=16$/m);
  });

  it('says clearly that the session has ended when its workspace dies', async () => {
    await podman.containers.stop(workspaceNames(String(userId)).container, { timeoutSeconds: 0 });
    await expect
      .poll(() => page.locator('#overlay').textContent(), { timeout: 30_000 })
      .toMatch(/The session “shell 2” has ended/);
    expect(await page.locator('#overlay').isVisible()).toBe(true);
  });
});
