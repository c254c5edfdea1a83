import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { TMUX_SOCKET } from '../../src/tmux/tmux.js';
import { realBrowser, SCREEN_PROMPT, screen, waitForScreen } from '../support/browser.js';
import { type BrowserServer, startBrowserServer } from '../support/browser-server.js';
import { realPodman } from '../support/podman.js';

const podman = await realPodman();
const browser = podman ? await realBrowser() : undefined;

describe.skipIf(!browser)('tabs, titles and bells (Chromium, real server)', () => {
  if (!browser || !podman) return;
  let fixture: BrowserServer;
  let page: Page;
  const tab = (text: string) => page.locator('#tabs button[data-id]', { hasText: text });
  const sessions = async () =>
    (
      (await fixture.live.api('GET', '/api/sessions', await cookie())) as {
        sessions: { id: string; name: string }[];
      }
    ).sessions;
  const cookie = async () =>
    (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

  beforeAll(async () => {
    fixture = await startBrowserServer(browser, podman, { users: ['tabber'] });
    ({ page } = fixture);
    // The browser's notifications, as the page raises them (allowed by the user).
    await page.addInitScript(() => {
      const shown: string[][] = [];
      class Recorder {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        onclick: (() => void) | null = null;
        constructor(title: string, options?: { body?: string }) {
          shown.push([title, options?.body ?? '']);
        }
        close() {}
      }
      Object.assign(globalThis, { Notification: Recorder, notificationsShown: shown });
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('opens a tab with Alt+Shift+T and switches with Alt+Shift+arrows, keys the shell never sees', async () => {
    await fixture.login('tabber');
    await waitForScreen(page, SCREEN_PROMPT);
    await page.keyboard.press('Alt+Shift+T');
    await expect.poll(() => tab('shell 2').getAttribute('aria-selected')).toBe('true');
    await waitForScreen(page, SCREEN_PROMPT);
    await page.keyboard.press('Alt+Shift+ArrowLeft');
    await expect.poll(() => tab('main').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await expect.poll(() => tab('shell 2').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.type('echo "CLEAN=[$(cat -v <<< "")]"\n');
    await waitForScreen(page, /^CLEAN=\[\]$/m);
  });

  it('renames a tab with a double click', async () => {
    await tab('shell 2').dblclick();
    const field = page.locator('#tabs input.rename');
    await field.fill('agent');
    await field.press('Enter');
    await expect.poll(() => tab('agent').count()).toBe(1);
    await expect
      .poll(async () => (await sessions()).map((s) => s.name).sort())
      .toEqual(['agent', 'main']);
  });

  it('shows the program’s title on its tab and in the window’s title', async () => {
    await tab('agent').click();
    await page.keyboard.type(`printf '\\e]0;build\\a'\n`);
    await expect.poll(() => tab('agent').textContent()).toContain('build');
    await expect.poll(() => page.title()).toBe('build · claude-web');
  });

  it('marks a tab in the background whose program rang the bell', async () => {
    await tab('agent').click();
    await page.keyboard.type(`clear; sleep 2; printf '\\a'\n`);
    await tab('main').click();
    const badge = tab('agent').locator('.badge');
    await expect.poll(() => badge.getAttribute('data-kind'), { timeout: 15_000 }).toBe('bell');
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { notificationsShown: string[][] }).notificationsShown,
      ),
    ).toContainEqual(['claude-web: agent', 'A program rang the bell.']);
    await tab('agent').click();
    await expect.poll(() => badge.getAttribute('data-kind')).toBe('');
  });

  it('closes a tab after asking: its tmux session and programs end', async () => {
    const [agent] = (await sessions()).filter((s) => s.name === 'agent');
    if (!agent) throw new Error('no session named agent');
    const questions: string[] = [];
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    const agentTab = page.locator('#tabs .tab', {
      has: page.locator('button[data-id]', { hasText: 'agent' }),
    });
    await agentTab.locator('.close').click();
    await expect.poll(() => tab('agent').count()).toBe(0);
    expect(questions[0]).toMatch(/Close “agent”\? The programs running in it end\./);
    expect((await sessions()).map((s) => s.name)).toEqual(['main']);
    const container = workspaceNames(String(fixture.ids[0])).container;
    const probe = await podman.exec.run(
      container,
      ['tmux', '-L', TMUX_SOCKET, 'has-session', '-t', `=${agent.id}`],
      { user: 'developer' },
    );
    expect(probe.exitCode).not.toBe(0);
    await expect.poll(() => tab('main').getAttribute('aria-selected')).toBe('true');
  });
});

describe.skipIf(!browser)('on a phone (touch, 400 px wide)', () => {
  if (!browser || !podman) return;
  let fixture: BrowserServer;
  let page: Page;

  beforeAll(async () => {
    fixture = await startBrowserServer(browser, podman, {
      users: ['thumbs'],
      viewport: { width: 400, height: 760 },
      touch: true,
    });
    ({ page } = fixture);
  });
  afterAll(async () => {
    await fixture?.close();
    await browser.close();
    await podman.close();
  });

  it('shows a key bar that sends Esc and Ctrl-C, and fits the screen', async () => {
    await fixture.login('thumbs');
    await waitForScreen(page, SCREEN_PROMPT);
    expect(await page.locator('#keybar').isVisible()).toBe(true);
    const width = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
          .document.documentElement.scrollWidth,
    );
    expect(width).toBeLessThanOrEqual(400);

    await page.keyboard.type('sleep 300\n');
    await page.locator('#keybar button[aria-label=Control]').tap();
    await page.keyboard.type('c');
    await page.keyboard.type('echo "BACK=$((3+4))"\n');
    await waitForScreen(page, /^BACK=7$/m);

    await page.keyboard.type('cat -v\n');
    await page.locator('#keybar button[aria-label=Escape]').tap();
    await page.keyboard.type('\n');
    await waitForScreen(page, /^\^\[$/m);
    await page.locator('#keybar button[aria-label=Control]').tap();
    await page.keyboard.type('d');
    await waitForScreen(page, SCREEN_PROMPT);
    expect(await screen(page)).toContain('BACK=7');
  });
});
