import { describe, expect, it } from 'vitest';
import { createSessionOrder } from '../../src/terminals/session-order.js';
import { gate } from '../support/gate.js';

describe('the order of steps on a session', () => {
  it('runs the steps of one session one after another, in the order asked', async () => {
    const order = createSessionOrder();
    const log: string[] = [];
    const first = gate();
    const attach = order.run('s1', async () => {
      log.push('attach begins');
      await first.opened;
      log.push('attach ends');
    });
    const close = order.run('s1', async () => {
      log.push('close');
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toEqual(['attach begins']);
    first.open();
    await Promise.all([attach, close]);
    expect(log).toEqual(['attach begins', 'attach ends', 'close']);
  });

  it('lets other sessions go on meanwhile', async () => {
    const order = createSessionOrder();
    const blocked = gate();
    const slow = order.run('s1', () => blocked.opened);
    await expect(order.run('s2', async () => 'other')).resolves.toBe('other');
    blocked.open();
    await slow;
  });

  it('goes on past a failed step, and forgets sessions with nothing pending', async () => {
    const order = createSessionOrder();
    const failed = order.run('s1', async () => {
      throw new Error('attach failed');
    });
    const next = order.run('s1', async () => 'closed');
    await expect(failed).rejects.toThrow('attach failed');
    await expect(next).resolves.toBe('closed');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(order.pending()).toBe(0);
  });
});
