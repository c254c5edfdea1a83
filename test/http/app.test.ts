import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { healthRoutes } from '../../src/http/health-routes.js';
import type { ReadinessCheck } from '../../src/http/readiness.js';
import { COUNTERS, createCounters } from '../../src/metrics/counters.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createTestApp } from '../support/test-app.js';

const opened: { close(): Promise<void> }[] = [];
async function track<T extends { close(): Promise<void> }>(made: Promise<T>): Promise<T> {
  const app = await made;
  opened.push(app);
  return app;
}
afterAll(async () => {
  await Promise.all(opened.map((a) => a.close()));
});
const ok = (name: string): ReadinessCheck => ({ name, check: async () => {} });

describe('health endpoints', () => {
  it('/healthz answers while the process lives', async () => {
    const { app } = await track(createTestApp());
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: '1.2.3' });
  });

  it('/readyz is 200 when every dependency answers', async () => {
    const { app } = await track(createTestApp({ checks: [ok('database'), ok('podman')] }));
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'database', ok: true },
        { name: 'podman', ok: true },
      ],
      // The cleanup schedule: its first run five minutes after start, none so far.
      cleanup: { nextRunAt: '2026-11-24T10:05:00.000Z', running: false, failedInARow: 0 },
    });
  });

  it('/readyz is 503 and names what failed and why', async () => {
    const down: ReadinessCheck = {
      name: 'podman',
      check: async () => {
        throw new AppError('podman.unreachable', 'cannot reach the Podman API at /x.sock (ENOENT)');
      },
    };
    const { app } = await track(createTestApp({ checks: [ok('database'), down] }));
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'unavailable',
      checks: [
        { name: 'database', ok: true },
        { name: 'podman', ok: false, error: 'cannot reach the Podman API at /x.sock (ENOENT)' },
      ],
      cleanup: { nextRunAt: '2026-11-24T10:05:00.000Z', running: false, failedInARow: 0 },
    });
  });

  it('/readyz fails a check that hangs, after 5 s on the clock', async () => {
    const clock = createFakeClock();
    const hang: ReadinessCheck = { name: 'database', check: () => new Promise(() => {}) };
    const { app } = await track(createTestApp({ clock, checks: [hang] }));
    const timers = clock.pending();
    const pending = app.request('/readyz');
    await Promise.resolve();
    clock.advance(4_999);
    clock.advance(1);
    const res = await pending;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: unknown[] }).checks[0]).toEqual({
      name: 'database',
      ok: false,
      error: 'no answer within 5000 ms',
    });
    expect(clock.pending()).toBe(timers);
  });

  it('/metrics tells whether the Podman event stream is followed, and how often it broke', async () => {
    const events = { up: false, breaks: 2 };
    const app = healthRoutes({
      clock: createFakeClock(),
      checks: [],
      version: '1',
      events: () => events,
    });
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(
      /^# TYPE claude_web_event_stream_up gauge\nclaude_web_event_stream_up 0$/m,
    );
    expect(text).toMatch(
      /^# TYPE claude_web_event_stream_breaks_total counter\nclaude_web_event_stream_breaks_total 2$/m,
    );
    events.up = true;
    expect(await (await app.request('/metrics')).text()).toMatch(/^claude_web_event_stream_up 1$/m);
  });

  it('/metrics counts what happened: every counter, from zero, by its labels', async () => {
    const counters = createCounters();
    const app = healthRoutes({ clock: createFakeClock(), checks: [], version: '1', counters });
    const before = await (await app.request('/metrics')).text();
    for (const name of Object.keys(COUNTERS))
      expect(before).toMatch(new RegExp(`^# TYPE ${name} counter\n${name} 0$`, 'm'));
    counters.add('claude_web_image_builds_total', { outcome: 'failed' });
    counters.add('claude_web_runtime_outages_total');
    const after = await (await app.request('/metrics')).text();
    expect(after).toMatch(/^claude_web_image_builds_total\{outcome="failed"\} 1$/m);
    expect(after).toMatch(/^claude_web_runtime_outages_total 1$/m);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const { app } = await track(createTestApp({ checks: [] }));
    const res = await app.request('/nowhere', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'http.not_found', message: 'no route POST /nowhere' },
    });
  });
});
