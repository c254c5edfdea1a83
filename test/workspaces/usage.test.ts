import { describe, expect, it } from 'vitest';
import { createWorkspaceUsage } from '../../src/workspaces/usage.js';
import { gate } from '../support/gate.js';

describe('workspace usage', () => {
  it('refuses a removal while a use is in flight, and allows it after', async () => {
    const usage = createWorkspaceUsage();
    const g = gate();
    const using = usage.use('1', () => g.opened);
    expect([...usage.inUse()]).toEqual(['1']);
    expect(await usage.removeUnlessInUse('1', async () => 'removed')).toEqual({ removed: false });
    expect(await usage.removeUnlessInUse('2', async () => 'other')).toEqual({
      removed: true,
      value: 'other',
    });
    g.open();
    await using;
    expect(usage.inUse().size).toBe(0);
    expect(await usage.removeUnlessInUse('1', async () => 'removed')).toEqual({
      removed: true,
      value: 'removed',
    });
  });

  it('makes a use that begins during a removal wait for it', async () => {
    const usage = createWorkspaceUsage();
    const g = gate();
    const order: string[] = [];
    const removal = usage.removeUnlessInUse('1', async () => {
      await g.opened;
      order.push('removed');
    });
    const use = usage.use('1', async () => order.push('used'));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    g.open();
    await Promise.all([removal, use]);
    expect(order).toEqual(['removed', 'used']);
  });

  it('counts overlapping uses, and ends a use that fails', async () => {
    const usage = createWorkspaceUsage();
    const g = gate();
    const a = usage.use('1', () => g.opened);
    const b = usage.use('1', async () => {
      throw new Error('attach failed');
    });
    await expect(b).rejects.toThrow('attach failed');
    expect(usage.inUse().has('1')).toBe(true);
    g.open();
    await a;
    expect(usage.inUse().has('1')).toBe(false);
  });
});
