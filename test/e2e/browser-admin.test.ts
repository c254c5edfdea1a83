import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/quadlet/names.js';
import { realBrowser } from '../support/browser.js';
import { realPodman, testWorkspaces } from '../support/podman.js';
import { freePort, seedUsers, serverEnv, startServerProcess } from '../support/server-process.js';

const podman = await realPodman();
const browser = podman ? await realBrowser() : undefined;
const PASSWORD = 'correct horse battery';

describe.skipIf(!browser)('the admin page (Chromium, real server, real Podman)', () => {
  if (!browser || !podman) return;
  const b: Browser = browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-admin-'));
  let server: ChildProcess | undefined;
  let devId = '';
  let seeded: number[] = [];
  let page: Page;

  beforeAll(async () => {
    seeded = await seedUsers(dataDir, ['chief', 'dev'], PASSWORD, { admins: ['chief'] });
    devId = String(seeded[1]);
    await testWorkspaces(podman).ensure(devId);
    const port = await freePort();
    server = await startServerProcess(serverEnv(dataDir, port));
    page = await (await b.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.on(
      'dialog',
      (dialog) => void dialog.accept(dialog.type() === 'prompt' ? devId : undefined),
    );
    await page.goto(`http://127.0.0.1:${port}`);
    await page.fill('input[name=username]', 'chief');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
  });
  afterAll(async () => {
    await b.close();
    server?.kill('SIGKILL');
    const names = workspaceNames(devId);
    await podman.containers
      .remove(names.container, { force: true, timeoutSeconds: 0 })
      .catch(() => {});
    await podman.volumes.remove(names.volume, { force: true }).catch(() => {});
    await podman.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const row = (section: string, text: string) => page.locator(`#${section} tr`, { hasText: text });

  it('is linked from the terminal page for administrators and lists the workspaces', async () => {
    await page.click('#admin-link');
    await expect
      .poll(() => row('containers', `claude-web-user-${devId}`).count(), { timeout: 30_000 })
      .toBe(1);
    expect(await row('containers', `claude-web-user-${devId}`).textContent()).toMatch(/running/);
    expect(await page.locator('#schedule').textContent()).toMatch(
      /^Next run: .+Last run: none yet\.$/,
    );
  });

  it('shows the dry run’s decisions and changes nothing', async () => {
    await page.click('#dry-run');
    await expect
      .poll(() => row('decisions', `claude-web-user-${devId}`).textContent())
      .toMatch(/keep.*kept.*no sessions, up 0\.0 h/);
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
});
