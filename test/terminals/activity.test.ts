import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { trackActivity } from '../../src/terminals/activity.js';
import { createNoticeBoard } from '../../src/terminals/notices.js';
import type { RemovalNotice } from '../../src/terminals/wire.js';
import { createFakeClock } from '../support/fake-clock.js';

const MIN = 60_000;

/** A tracker on a fake clock that records the times it touched the session at. */
function tracked() {
  const clock = createFakeClock();
  const start = clock.now().getTime();
  const touches: number[] = [];
  let recorded = 0;
  const activity = trackActivity('s1', {
    touch: async (_id, now) => touches.push((now.getTime() - start) / MIN),
    clock,
    log: pino({ level: 'silent' }),
    everyMs: 0.5 * MIN,
    heartbeatMs: 5 * MIN,
    onRecorded: () => recorded++,
  });
  return { clock, activity, touches, recorded: () => recorded };
}

describe('terminal activity, as cleanup counts it', () => {
  type Step = ['advance', number] | ['arriving' | 'attached' | 'used' | 'stop'];
  const cases: { name: string; steps: Step[]; touchedAtMin: number[] }[] = [
    { name: 'arriving counts at once', steps: [['arriving']], touchedAtMin: [0] },
    {
      name: 'attaching (also reattaching) counts, then a heartbeat every 5 min',
      steps: [['attached'], ['advance', 16 * MIN]],
      touchedAtMin: [0, 5, 10, 15],
    },
    {
      name: 'input or output counts, at most every 30 s',
      steps: [['used'], ['advance', 10_000], ['used'], ['advance', 25_000], ['used']],
      touchedAtMin: [0, 35_000 / MIN],
    },
    {
      name: 'the heartbeat stops with the terminal',
      steps: [['attached'], ['advance', 6 * MIN], ['stop'], ['advance', 60 * MIN], ['used']],
      touchedAtMin: [0, 5],
    },
    {
      name: 'a day attached and untyped is a heartbeat every 5 min all day',
      steps: [['attached'], ['advance', 24 * 60 * MIN]],
      touchedAtMin: Array.from({ length: 24 * 12 + 1 }, (_, i) => i * 5),
    },
  ];
  it.each(cases)('$name', async ({ steps, touchedAtMin }) => {
    const { clock, activity, touches } = tracked();
    for (const [what, ms] of steps)
      if (what === 'advance') clock.advance(ms ?? 0);
      else activity[what]();
    await Promise.resolve();
    expect(touches).toEqual(touchedAtMin);
  });

  it('tells of every recorded activity, not of the ones it skips', () => {
    const { activity, recorded } = tracked();
    activity.used();
    activity.used();
    expect(recorded()).toBe(1);
  });
});

describe('the notice board', () => {
  const idle = { at: new Date('2031-02-03T04:05:06Z'), rule: 'idle' as const, message: 'idle' };
  const old = { ...idle, rule: 'too_old' as const, message: 'old' };

  it('tells subscribers of a user’s notices, the current one at once, and withdraws it', () => {
    const board = createNoticeBoard();
    const seen: (RemovalNotice | null)[] = [];
    const other: (RemovalNotice | null)[] = [];
    board.notify('1', idle);
    const stop = board.subscribe('1', (n) => seen.push(n));
    board.subscribe('2', (n) => other.push(n));
    board.notify('1', undefined);
    board.notify('1', undefined);
    stop();
    board.notify('1', old);
    expect(seen).toEqual([{ ...idle, at: '2031-02-03T04:05:06.000Z' }, null]);
    expect(other).toEqual([]);
  });

  it('withdraws an idleness notice on use, never an age notice', () => {
    const board = createNoticeBoard();
    const seen: (string | null)[] = [];
    board.subscribe('1', (n) => seen.push(n?.rule ?? null));
    board.notify('1', idle);
    board.used('1');
    board.notify('1', old);
    board.used('1');
    expect(seen).toEqual(['idle', null, 'too_old']);
  });
});
