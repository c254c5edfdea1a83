import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { NEW_SHELL_BANNERS } from '../../src/terminals/new-shell.js';
import { realBrowser, SCREEN_PROMPT, screen, waitForScreen } from '../support/browser.js';
import { type BrowserServer, startBrowserServer } from '../support/browser-server.js';
import { realPodman } from '../support/podman.js';

const podman = await realPodman();
const browser = podman ? await realBrowser() : undefined;

describe.skipIf(!browser)('a workspace restarted while the server was down', () => {
  if (!browser || !podman) return;
  let fixture: BrowserServer;
  let page: Page;

  beforeAll(async () => {
    fixture = await startBrowserServer(browser, podman, { users: ['rebooted'] });
    ({ page } = fixture);
    await fixture.login('rebooted');
  });
  afterAll(async () => {
    await fixture?.close();
    await browser.close();
    await podman.close();
  });

  it('keeps the session, and its new shell says that the workspace restarted', async () => {
    await waitForScreen(page, SCREEN_PROMPT);
    await page.keyboard.type('echo BEFORE=$((5*5))\n');
    await waitForScreen(page, /^BEFORE=25$/m);
    const { container } = workspaceNames(String(fixture.ids[0]));
    // Podman's start times are whole seconds: a restart within the second of the attach
    // could not be told from a start before it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await fixture.restart(async () => {
      await podman.containers.stop(container, { timeoutSeconds: 0 });
      await podman.containers.start(container);
    });
    // The server noticed at start, before anyone attached.
    expect(fixture.live.logLines().join('\n')).toMatch(
      /workspace restarted while the server was away; its sessions get new shells/,
    );
    await waitForScreen(page, new RegExp(NEW_SHELL_BANNERS.restarted.replace(/[.;]/g, '\\$&')));
    expect(await page.locator('#tabs button[data-id]').count()).toBe(1);
    expect(await screen(page)).not.toMatch(/BEFORE=25/);
    await page.keyboard.type('echo AFTER=$((6*6))\n');
    await waitForScreen(page, /^AFTER=36$/m);
    await page.screenshot({ path: join(tmpdir(), 'claude-web-new-shell.png') });
  });
});
