import { describe, expect, it } from 'vitest';
import { createStartQueue, inTurn, waitingLine } from '../../src/workspaces/start-queue.js';
import { gate } from '../support/gate.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the queue of workspace starts', () => {
  it('runs one start at a time, in arrival order, telling each how many are ahead', async () => {
    const queue = createStartQueue({ concurrency: 1 });
    const log: string[] = [];
    const gates = [gate(), gate(), gate()];
    const heard: Record<number, number[]> = { 1: [], 2: [] };
    const starts = gates.map((g, i) =>
      queue.run(
        async () => {
          log.push(`start ${i}`);
          await g.opened;
        },
        (ahead) => heard[i]?.push(ahead),
      ),
    );
    await tick();
    expect(log).toEqual(['start 0']);
    expect(heard).toEqual({ 1: [1], 2: [2] });
    gates[0]?.open();
    await tick();
    expect(log).toEqual(['start 0', 'start 1']);
    expect(heard[2]).toEqual([2, 1]);
    gates[1]?.open();
    gates[2]?.open();
    await Promise.all(starts);
    expect(log).toEqual(['start 0', 'start 1', 'start 2']);
  });

  it('refuses with workspace.busy past its line, and goes on after a failed start', async () => {
    const queue = createStartQueue({ concurrency: 1, maxWaiting: 1 });
    const first = gate();
    const running = queue.run(async () => {
      await first.opened;
      throw new Error('podman said no');
    });
    const waiting = queue.run(async () => 'second');
    await expect(queue.run(async () => 'third')).rejects.toMatchObject({
      code: 'workspace.busy',
      details: { retryAfterSeconds: 5 },
    });
    first.open();
    await expect(running).rejects.toThrow('podman said no');
    await expect(waiting).resolves.toBe('second');
    await expect(queue.run(async () => 'fourth')).resolves.toBe('fourth');
  });

  it('runs at once without a queue, and words the wait for people', async () => {
    await expect(inTurn(undefined, async () => 'now')).resolves.toBe('now');
    expect(waitingLine(1)).toBe('waiting for 1 other workspace to start first');
    expect(waitingLine(4)).toBe('waiting for 4 other workspaces to start first');
  });
});
