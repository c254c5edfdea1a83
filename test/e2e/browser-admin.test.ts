import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { realBrowser } from '../support/browser.js';
import { type BrowserServer, startBrowserServer } from '../support/browser-server.js';
import { realPodman, testWorkspaces } from '../support/podman.js';

const podman = await realPodman();
const browser = podman ? await realBrowser() : undefined;

describe.skipIf(!browser)('the admin page (Chromium, real server, real Podman)', () => {
  if (!browser || !podman) return;
  let fixture: BrowserServer;
  let page: Page;
  let devId = '';

  beforeAll(async () => {
    fixture = await startBrowserServer(browser, podman, {
      users: ['chief', 'dev'],
      admins: ['chief'],
      viewport: { width: 1400, height: 900 },
    });
    ({ page } = fixture);
    devId = String(fixture.ids[1]);
    await testWorkspaces(podman).ensure(devId);
    page.on(
      'dialog',
      (dialog) => void dialog.accept(dialog.type() === 'prompt' ? devId : undefined),
    );
    // The terminal page opens a workspace for the administrator too; close() removes both.
    await fixture.login('chief');
  });
  afterAll(async () => {
    await fixture?.close();
    await browser.close();
    await podman.close();
  });

  const row = (section: string, text: string) => page.locator(`#${section} tr`, { hasText: text });

  it('is linked from the terminal page for administrators and lists the workspaces', async () => {
    await page.click('#admin-link');
    await expect
      .poll(() => row('containers', `claude-web-user-${devId}`).count(), { timeout: 30_000 })
      .toBe(1);
    expect(await row('containers', `claude-web-user-${devId}`).textContent()).toMatch(
      /running\s*current/,
    );
    await expect
      .poll(() => page.locator('#schedule').textContent())
      .toMatch(/^Next run: .+Last run: none yet\.$/);
  });

  it('shows the dry run’s decisions and changes nothing', async () => {
    await page.click('#dry-run');
    await expect
      .poll(() => row('decisions', `claude-web-user-${devId}`).textContent())
      .toMatch(/keep.*kept.*no live sessions, idle 0\.0 h/);
    expect(await page.locator('#message').textContent()).toBe('Dry run: nothing was changed.');
  });

  it('removes a container by hand, keeping its volume, then deletes the volume when confirmed', async () => {
    await row('containers', `claude-web-user-${devId}`)
      .getByRole('button', { name: 'Remove' })
      .click();
    await expect
      .poll(() => row('containers', `claude-web-user-${devId}`).count(), { timeout: 30_000 })
      .toBe(0);
    await expect
      .poll(() => row('volumes', `claude-web-user-${devId}-data`).textContent())
      .toMatch(/absent/);
    await row('volumes', `claude-web-user-${devId}-data`)
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect
      .poll(() => row('volumes', `claude-web-user-${devId}-data`).count(), { timeout: 30_000 })
      .toBe(0);
    expect(await podman.volumes.exists(workspaceNames(devId).volume)).toBe(false);
  });

  it('adds a user, showing the password once', async () => {
    await page.fill('#add-user input[name=username]', 'newcomer');
    await page.click('#add-user button[type=submit]');
    await expect
      .poll(() => page.locator('#message').textContent())
      .toMatch(/^Created newcomer\. Password \(shown once, not stored\): [A-Za-z0-9_-]{24}$/);
    await expect.poll(() => row('users', 'newcomer').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('#message').textContent()).toMatch(/^Created newcomer/);
  });

  it('logs out from the terminal page, back to the login form', async () => {
    await page.click('a[href="/"]');
    await page.click('#logout');
    await expect.poll(() => page.locator('#login').isVisible(), { timeout: 30_000 }).toBe(true);
    const me = await page.evaluate(async () => (await fetch('/api/me')).status);
    expect(me).toBe(401);
  });
});
