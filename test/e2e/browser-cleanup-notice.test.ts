import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realBrowser, SCREEN_PROMPT, waitForScreen } from '../support/browser.js';
import { type BrowserServer, startBrowserServer } from '../support/browser-server.js';
import { eventually } from '../support/eventually.js';
import { realPodman } from '../support/podman.js';

const podman = await realPodman();
const browser = podman ? await realBrowser() : undefined;
/** CONTAINER_MAX_AGE_HOURS for this server: 36 s. */
const MAX_AGE_MS = 36_000;

describe.skipIf(!browser)('the removal notice on the page (Chromium, real server)', () => {
  if (!browser || !podman) return;
  let fixture: BrowserServer;
  let page: Page;
  const cookie = async () =>
    (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const sweep = async () =>
    (await fixture.live.api('POST', '/api/admin/cleanup/run', await cookie())) as {
      decisions: { userId: string; action: string; rule: string; result: string }[];
    };

  beforeAll(async () => {
    fixture = await startBrowserServer(browser, podman, {
      users: ['noticed'],
      admins: ['noticed'],
      env: { CONTAINER_MAX_AGE_HOURS: String(MAX_AGE_MS / 3_600_000) },
    });
    ({ page } = fixture);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('shows an attached user the coming removal before it happens, then the ended session', async () => {
    await fixture.login('noticed');
    await waitForScreen(page, SCREEN_PROMPT);
    const banner = page.locator('#notice');
    expect(await banner.isHidden()).toBe(true);
    const userId = String(fixture.ids[0]);

    // The next run (an hour away) would remove it: the sweep now warns, and keeps it.
    const first = await sweep();
    expect(first.decisions.find((d) => d.userId === userId)).toMatchObject({ action: 'keep' });
    await expect.poll(() => banner.isVisible()).toBe(true);
    const text = (await banner.textContent()) ?? '';
    expect(text).toMatch(/maximum age .* will be removed at the next cleanup/);
    expect(text).toMatch(/home directory is kept\. Due at \d/);
    await page.screenshot({ path: join(tmpdir(), 'claude-web-removal-notice.png') });
    // The terminal gave the banner its room and still works below it.
    const box = (await page.locator('#terminal').boundingBox()) ?? { y: 0 };
    const notice = (await banner.boundingBox()) ?? { y: 0, height: 0 };
    expect(box.y).toBeGreaterThanOrEqual(notice.y + notice.height - 1);
    await page.keyboard.type('echo "STILL=$((40+2))"\n');
    await waitForScreen(page, /^STILL=42$/m);

    // Once it is older than the maximum age, the next run removes it.
    const removed = await eventually(
      async () => {
        const run = await sweep();
        const decision = run.decisions.find((d) => d.userId === userId);
        expect(decision).toMatchObject({ action: 'remove', rule: 'too_old', result: 'removed' });
        return decision;
      },
      { withinMs: MAX_AGE_MS + 30_000, everyMs: 2_000 },
    );
    expect(removed).toBeDefined();
    await expect.poll(() => page.locator('#overlay').textContent()).toMatch(/has ended/);
  }, 120_000);
});
