import { describe, expect, it } from 'vitest';
import { watchLiveness } from '../../src/podman/liveness.js';
import { createFakeClock } from '../support/fake-clock.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the liveness of the service beside a slow call', () => {
  const setup = (answers: boolean[], signal?: AbortSignal) => {
    const clock = createFakeClock();
    let pings = 0;
    const liveness = watchLiveness({
      clock,
      everyMs: 1_000,
      signal,
      ping: async () => {
        if (answers[pings++] === false) throw new Error('no answer to the ping');
      },
    });
    const step = async () => {
      clock.advance(1_000);
      await settle();
    };
    return { clock, liveness, step, pings: () => pings };
  };

  it('pings every interval while the service answers, and aborts nothing', async () => {
    const { liveness, step, pings } = setup([true, true, true]);
    for (let i = 0; i < 3; i++) await step();
    expect(pings()).toBe(3);
    expect(liveness.signal.aborted).toBe(false);
    expect(liveness.failure()).toBeUndefined();
  });

  it('aborts the call with the error of the first unanswered ping, and pings no more', async () => {
    const { liveness, step, pings } = setup([true, false, true]);
    await step();
    await step();
    expect(liveness.signal.aborted).toBe(true);
    expect((liveness.failure() as Error).message).toBe('no answer to the ping');
    expect(liveness.signal.reason).toBe(liveness.failure());
    await step();
    expect(pings()).toBe(2);
  });

  it('pings no more once the call has its answer', async () => {
    const { clock, liveness, step, pings } = setup([true]);
    await step();
    liveness.stop();
    await step();
    expect(pings()).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('aborts the call with the caller’s own signal too', () => {
    const caller = new AbortController();
    const { liveness } = setup([], caller.signal);
    caller.abort(new Error('the person left'));
    expect(liveness.signal.aborted).toBe(true);
    expect(liveness.failure()).toBeUndefined();
    liveness.stop();
  });
});
