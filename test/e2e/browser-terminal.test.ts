import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { realBrowser, SCREEN_PROMPT, screen, viewport, waitForScreen } from '../support/browser.js';
import { type BrowserServer, startBrowserServer } from '../support/browser-server.js';
import { realPodman } from '../support/podman.js';

const podman = await realPodman();
const browser = podman ? await realBrowser() : undefined;

describe.skipIf(!browser)('the terminal as a person uses it (Chromium, real server)', () => {
  if (!browser || !podman) return;
  let fixture: BrowserServer;
  let page: Page;
  let container = '';
  const inWorkspace = async (script: string) =>
    (await podman.exec.run(container, ['sh', '-c', script], { user: 'developer' })).stdout.trim();
  /** Lines of the whole buffer that are exactly `text`. */
  const count = async (text: string) =>
    (await screen(page)).split('\n').filter((line) => line === text).length;

  beforeAll(async () => {
    fixture = await startBrowserServer(browser, podman, { users: ['scroller'] });
    ({ page } = fixture);
    container = workspaceNames(String(fixture.ids[0])).container;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: fixture.origin,
    });
    // Counts the terminal sockets the page saw closing.
    await page.addInitScript(() => {
      type Socket = { addEventListener(type: string, listener: () => void): void };
      const page = globalThis as unknown as {
        socketsClosed: number;
        WebSocket: new (url: string) => Socket;
      };
      page.socketsClosed = 0;
      const Native = page.WebSocket;
      page.WebSocket = class extends Native {
        constructor(url: string) {
          super(url);
          this.addEventListener('close', () => page.socketsClosed++);
        }
      };
    });
  });
  afterAll(async () => {
    await fixture?.close();
    await browser.close();
    await podman.close();
  });

  /** Turns the wheel up over the terminal until `line` shows, and says how many notches it took. */
  const wheelUpTo = async (line: string) => {
    await page.mouse.move(400, 300);
    for (let notches = 1; notches <= 12; notches++) {
      await page.mouse.wheel(0, -3000);
      await expect.poll(async () => (await viewport(page)).lines.length).toBeGreaterThan(0);
      if ((await viewport(page)).lines.includes(line)) return notches;
    }
    throw new Error(`${line} never showed: ${(await viewport(page)).lines.join('|')}`);
  };
  const scrollsWithoutTouchingTheShell = async () => {
    expect(await wheelUpTo('1500')).toBeLessThanOrEqual(12);
    expect((await viewport(page)).type).toBe('normal');
    // Had the wheel sent arrow keys, Enter would now run `seq 1 3000` again.
    await page.keyboard.press('Enter');
    await page.keyboard.type('echo "AFTER=$((20+22))"\n');
    await waitForScreen(page, /^AFTER=42$/m);
    expect(await count('3000')).toBe(1);
  };

  it('scrolls the history with the wheel, never the command line', async () => {
    await fixture.login('scroller');
    await waitForScreen(page, SCREEN_PROMPT);
    await page.keyboard.type('clear; seq 1 3000\n');
    await waitForScreen(page, /^3000$/m);
    await scrollsWithoutTouchingTheShell();
  });

  it('has the history again after a reload', async () => {
    await page.reload();
    await waitForScreen(page, /^AFTER=42$/m);
    await page.keyboard.type('clear; seq 1 3000\n');
    await waitForScreen(page, /^3000$/m);
    await page.reload();
    await waitForScreen(page, /^3000$/m);
    await scrollsWithoutTouchingTheShell();
  });

  it('has the history again after kill -9 and a restart of the server', async () => {
    await page.keyboard.type('clear; seq 1 3000\n');
    await waitForScreen(page, /^3000$/m);
    await fixture.restart();
    await expect.poll(() => page.locator('#overlay').isHidden(), { timeout: 30_000 }).toBe(true);
    await waitForScreen(page, /^3000$/m);
    await scrollsWithoutTouchingTheShell();
  });

  it('gives the wheel to less on its own screen, as a plain terminal does', async () => {
    await page.keyboard.type('seq 1 1000 | less\n');
    await expect.poll(async () => (await viewport(page)).lines[0]).toBe('1');
    expect((await viewport(page)).type).toBe('alternate');
    await page.mouse.move(400, 300);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 300);
    await expect.poll(async () => Number((await viewport(page)).lines[0])).toBeGreaterThan(1);
    await page.keyboard.type('q');
    await expect.poll(async () => (await viewport(page)).type).toBe('normal');
  });

  it('has no status bar: the last row is the shell’s, and Ctrl-B moves the cursor back', async () => {
    const rows = await page.evaluate(
      () =>
        (globalThis as unknown as { claudeWebTerminal: { rows: number } }).claudeWebTerminal.rows,
    );
    await page.keyboard.type(
      `clear; echo "LINES=$(tput lines)"; printf '\\e[${rows};1HLASTROW'; sleep 2\n`,
    );
    await expect.poll(async () => (await viewport(page)).lines.at(-1)).toMatch(/^LASTROW/);
    expect(await screen(page)).toContain(`LINES=${rows}`);
    await waitForScreen(page, SCREEN_PROMPT);
    await page.keyboard.type('echo abc');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('X\n');
    await waitForScreen(page, /^abXc$/m);
  });

  it('takes a 1 MB paste whole, over the same socket', async () => {
    const text = `${Array.from({ length: 13_000 }, () => randomBytes(57).toString('base64')).join('\n')}\n`;
    expect(text.length).toBeGreaterThan(1_000_000);
    const closedBefore = await socketsClosed(page);
    await page.keyboard.type('clear; cat > ~/pasted\n');
    await writeClipboard(page, text);
    await page.keyboard.press('Control+Shift+V');
    // Input keeps its order: this end of input arrives after the whole paste.
    await page.keyboard.press('Control+d');
    const sha = createHash('sha256').update(text).digest('hex');
    await expect
      .poll(() => inWorkspace('sha256sum ~/pasted | cut -d" " -f1'), { timeout: 120_000 })
      .toBe(sha);
    expect(await socketsClosed(page)).toBe(closedBefore);
  }, 180_000);

  it('puts what programs copy (OSC 52) on the clipboard, and copies and pastes a selection', async () => {
    await page.keyboard.type(`clear; printf '\\e]52;c;%s\\a' "$(printf hello | base64)"\n`);
    await expect.poll(() => readClipboard(page)).toBe('hello');

    await page.keyboard.type('clear; echo COPYME4217\n');
    await waitForScreen(page, /^COPYME4217$/m);
    const row = (await viewport(page)).lines.indexOf('COPYME4217');
    const box = await page.locator('.term.active .xterm-screen').boundingBox();
    const rows = (await viewport(page)).lines.length;
    if (!box) throw new Error('no terminal on the page');
    await page.mouse.dblclick(box.x + 20, box.y + (row + 0.5) * (box.height / rows));
    await page.keyboard.press('Control+Shift+C');
    await expect.poll(() => readClipboard(page)).toBe('COPYME4217');
    await page.keyboard.type('echo "PASTED=');
    await page.keyboard.press('Control+Shift+V');
    await page.keyboard.type('"\n');
    await waitForScreen(page, /^PASTED=COPYME4217$/m);
  });

  it('finds text in the scrollback with Ctrl+Shift+F', async () => {
    await page.keyboard.type('clear; seq 1 3000 | sed "s/^1234$/NEEDLE/"\n');
    await waitForScreen(page, /^3000$/m);
    await page.keyboard.press('Control+Shift+F');
    await page.locator('#search-input').fill('NEEDLE');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await viewport(page)).lines).toContain('NEEDLE');
    await page.keyboard.press('Escape');
    expect(await page.locator('#search').isHidden()).toBe(true);
  });
});

const socketsClosed = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { socketsClosed: number }).socketsClosed);

interface Clipboard {
  navigator: { clipboard: { readText(): Promise<string>; writeText(t: string): Promise<void> } };
}
const readClipboard = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as Clipboard).navigator.clipboard.readText());
const writeClipboard = (page: Page, text: string) =>
  page.evaluate((t) => (globalThis as unknown as Clipboard).navigator.clipboard.writeText(t), text);
