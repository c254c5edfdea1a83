import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
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
