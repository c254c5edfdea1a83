import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realBrowser, screen, waitForScreen } from '../support/browser.js';
import { type BrowserServer, startBrowserServer } from '../support/browser-server.js';
import { realPodman } from '../support/podman.js';

const podman = await realPodman();
const browser = podman ? await realBrowser() : undefined;

describe.skipIf(!browser)('the browser terminal (Chromium, real server, real Podman)', () => {
  if (!browser || !podman) return;
  let fixture: BrowserServer;
  let page: Page;

  beforeAll(async () => {
    fixture = await startBrowserServer(browser, podman, { users: ['alice'] });
    ({ page } = fixture);
  });
  afterAll(async () => {
    await fixture?.close();
    await browser.close();
    await podman.close();
  });

  it('logs in and runs a command: echo $((6*7)) shows 42', async () => {
    await fixture.login('alice');
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
    await fixture.restart();
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
