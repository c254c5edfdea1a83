import { describe, expect, it } from 'vitest';
import { createDaemonReload, type Systemctl } from '../../src/workspaces/systemctl.js';
import { systemdHost } from '../support/systemd-host.js';

const host = await systemdHost();

/** The real `systemctl --user` of the host's user, recording when each reload runs. */
function recording(systemctl: Systemctl) {
  const spans: [start: number, end: number][] = [];
  const wrapped: Systemctl = async (args) => {
    const start = performance.now();
    try {
      return await systemctl(args);
    } finally {
      spans.push([start, performance.now()]);
    }
  };
  return { systemctl: wrapped, spans };
}

describe.skipIf(!host)('daemon-reload under concurrent requests (real systemd --user)', () => {
  if (!host) return;

  it('runs one reload at a time and folds every waiting request into the next one', async () => {
    const { systemctl, spans } = recording(host.systemctl);
    const reload = createDaemonReload(systemctl);
    await Promise.all(Array.from({ length: 20 }, () => reload()));
    // The first request starts a reload; the 19 that arrive meanwhile share one more.
    expect(spans).toHaveLength(2);
    const [first, second] = spans;
    expect(second?.[0]).toBeGreaterThanOrEqual(first?.[1] ?? Number.POSITIVE_INFINITY);
  });

  it('serves a request that arrives after a reload finished with a fresh reload', async () => {
    const { systemctl, spans } = recording(host.systemctl);
    const reload = createDaemonReload(systemctl);
    await reload();
    await reload();
    expect(spans).toHaveLength(2);
  });

  it('reports a failed reload to its callers and recovers for the next ones', async () => {
    let fail = true;
    const flaky: Systemctl = async (args) => {
      if (fail) {
        fail = false;
        throw new Error('injected: bus connection lost');
      }
      return host.systemctl(args);
    };
    const reload = createDaemonReload(flaky);
    await expect(reload()).rejects.toThrow('injected: bus connection lost');
    await expect(reload()).resolves.toBeUndefined();
  });
});
