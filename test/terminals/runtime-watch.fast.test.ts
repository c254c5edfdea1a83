import { describe, expect, it } from 'vitest';
import { type RuntimeState, watchRuntime } from '../../src/terminals/runtime-watch.js';
import { createFakeClock } from '../support/fake-clock.js';

/** Lets settled promises run their callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A runtime whose pings answer, fail or hang, as the test says. */
function runtime() {
  let answer: 'yes' | 'fail' | 'hang' = 'yes';
  const hanging: (() => void)[] = [];
  let pings = 0;
  return {
    ping: () => {
      pings++;
      if (answer === 'fail') return Promise.reject(new Error('cannot reach the Podman API'));
      if (answer === 'hang') return new Promise<void>((resolve) => hanging.push(resolve));
      return Promise.resolve();
    },
    set: (next: typeof answer) => {
      answer = next;
    },
    /** The hung pings answer at last. */
    wake: () => {
      for (const resolve of hanging.splice(0)) resolve();
    },
    pings: () => pings,
  };
}

describe('the watch of whether the runtime answers', () => {
  const setup = () => {
    const clock = createFakeClock();
    const podman = runtime();
    const watch = watchRuntime({ ping: podman.ping, clock, everyMs: 10_000, withinMs: 5_000 });
    const told: RuntimeState[] = [];
    return { clock, podman, watch, told, listen: () => watch.subscribe((s) => told.push(s)) };
  };

  it('asks nobody while no terminal listens, and stops asking when the last one leaves', async () => {
    const { clock, podman, listen } = setup();
    clock.advance(60_000);
    expect(podman.pings()).toBe(0);
    const leave = listen();
    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      await settle();
    }
    expect(podman.pings()).toBe(3);
    leave();
    clock.advance(60_000);
    expect(podman.pings()).toBe(3);
    expect(clock.pending()).toBe(0);
  });

  it('tells nothing while the runtime answers', async () => {
    const { clock, told, listen } = setup();
    listen();
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      await settle();
    }
    expect(told).toEqual([]);
  });

  it('tells once that a stuck runtime does not answer, and that it answers when the late answer comes', async () => {
    const { clock, podman, told, listen } = setup();
    listen();
    podman.set('hang');
    clock.advance(10_000);
    clock.advance(4_999);
    await settle();
    expect(told).toEqual([]);
    clock.advance(1);
    expect(told).toEqual([{ answering: false, why: 'no answer within 5 s' }]);
    // A stuck ping is not asked again on top of itself.
    clock.advance(30_000);
    await settle();
    expect(podman.pings()).toBe(1);
    expect(told).toHaveLength(1);
    podman.set('yes');
    podman.wake();
    await settle();
    expect(told).toEqual([{ answering: false, why: 'no answer within 5 s' }, { answering: true }]);
  });

  it('tells of a failing runtime with its reason, every listener once', async () => {
    const { clock, podman, told, listen } = setup();
    listen();
    listen();
    podman.set('fail');
    clock.advance(10_000);
    await settle();
    clock.advance(10_000);
    await settle();
    expect(told).toEqual([
      { answering: false, why: 'cannot reach the Podman API' },
      { answering: false, why: 'cannot reach the Podman API' },
    ]);
    podman.set('yes');
    clock.advance(10_000);
    await settle();
    expect(told.slice(2)).toEqual([{ answering: true }, { answering: true }]);
  });

  it('asks nothing more once stopped', async () => {
    const { clock, podman, watch, listen } = setup();
    listen();
    watch.stop();
    clock.advance(60_000);
    expect(podman.pings()).toBe(0);
  });
});
