import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { missingDependency } from './real-deps.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium under Playwright, kept off the network, or undefined. Playwright gives
 * every launch a fresh temporary profile.
 */
export async function realBrowser(): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) {
    return missingDependency(
      'Chromium',
      `${CHROMIUM} does not exist`,
      'Install Debian’s chromium (test/harness/provision-host.sh does).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What the page's terminal shows, line by line (scrollback included). */
/** bash's prompt at the end of a line of the page's terminal, as a person reads it. */
export const SCREEN_PROMPT = /developer@\S+:~\$ $/m;

export const screen = (page: Page) =>
  page.evaluate(() => {
    const term = (
      globalThis as unknown as {
        claudeWebTerminal?: {
          buffer: {
            active: {
              length: number;
              getLine(i: number): { translateToString(trim: boolean): string } | undefined;
            };
          };
        };
      }
    ).claudeWebTerminal;
    const buffer = term?.buffer.active;
    const lines: string[] = [];
    for (let i = 0; buffer && i < buffer.length; i++)
      lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  });
export const waitForScreen = async (page: Page, pattern: RegExp, timeoutMs = 60_000) => {
  await expect.poll(() => screen(page), { timeout: timeoutMs, interval: 200 }).toMatch(pattern);
};

/** What the page's terminal shows in its viewport right now, and which buffer it is. */
export const viewport = (page: Page) =>
  page.evaluate(() => {
    const term = (
      globalThis as unknown as {
        claudeWebTerminal: {
          rows: number;
          buffer: {
            active: {
              type: string;
              viewportY: number;
              getLine(i: number): { translateToString(trim: boolean): string } | undefined;
            };
          };
        };
      }
    ).claudeWebTerminal;
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < term.rows; i++)
      lines.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
    return { type: buffer.type, lines };
  });
