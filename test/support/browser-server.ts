import type { Browser, Page } from 'playwright-core';
import type { PodmanClient } from '../../src/podman/client.js';
import { PASSWORD, startLiveServer } from './live-server.js';

export { PASSWORD };

/**
 * The real server on this machine's test Podman with seeded users, and a browser page on
 * it. `close()` removes every workspace and volume of those users.
 */
export async function startBrowserServer(
  browser: Browser,
  podman: PodmanClient,
  options: {
    users: string[];
    admins?: string[];
    env?: Record<string, string>;
    viewport?: { width: number; height: number };
    /** A phone: touch events, a mobile viewport. */
    touch?: boolean;
  },
) {
  const live = await startLiveServer(podman, options);
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1200, height: 800 },
    ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
  });
  const page: Page = await context.newPage();
  return {
    ids: options.users.map((u) => live.ids[u] as number),
    page,
    origin: live.origin,
    live,
    server: live.child,
    /** kill -9, then the same server again on the same data. */
    restart: live.restart,
    async login(username: string) {
      await page.goto(live.origin);
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', PASSWORD);
      await page.click('button[type=submit]');
    },
    async close() {
      await context.close();
      await live.close();
    },
  };
}

export type BrowserServer = Awaited<ReturnType<typeof startBrowserServer>>;
