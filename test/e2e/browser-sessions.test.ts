import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { realBrowser, screen, waitForScreen } from '../support/browser.js';
import { type BrowserServer, startBrowserServer } from '../support/browser-server.js';
import { realPodman } from '../support/podman.js';

const podman = await realPodman();
const browser = podman ? await realBrowser() : undefined;

describe.skipIf(!browser)('tabs and a dead session in the browser, over the pty driver', () => {
  if (!browser || !podman) return;
  let fixture: BrowserServer;
  let page: Page;
  let userId = 0;
  const tab = (name: string) => page.locator('#tabs button[data-id]', { hasText: name });

  beforeAll(async () => {
    fixture = await startBrowserServer(browser, podman, {
      users: ['tabby'],
      env: { TERMINAL_ATTACH: 'pty' },
      viewport: { width: 1100, height: 700 },
    });
    ({ page } = fixture);
    [userId = 0] = fixture.ids;
    await fixture.login('tabby');
  });
  afterAll(async () => {
    await fixture?.close();
    await browser.close();
    await podman.close();
  });

  it('runs the first tab through podman exec -it in a local pty', async () => {
    await waitForScreen(page, /developer@\S+:~\$/);
    await page.keyboard.type('echo FIRST=$((3*3))\n');
    await waitForScreen(page, /^FIRST=9$/m);
    // The terminal is a `podman --remote exec -it` child of the server, not a libpod exec.
    const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(fixture.server().pid)], {
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
