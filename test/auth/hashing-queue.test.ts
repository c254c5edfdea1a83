import { describe, expect, it } from 'vitest';
import { createHashingQueue } from '../../src/auth/hashing-queue.js';

/** A piece of work that runs until released, counting how many run at once. */
function works() {
  let running = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const work = () =>
    new Promise<string>((resolve) => {
      running++;
      most = Math.max(most, running);
      releases.push(() => {
        running--;
        resolve('done');
      });
    });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { work, releases, most: () => most, running: () => running, settle };
}

describe('the password hashing queue', () => {
  it('runs at most `concurrency` at once and the rest in order as slots free', async () => {
    const queue = createHashingQueue({ concurrency: 2, maxWaiting: 10 });
    const w = works();
    const all = Array.from({ length: 6 }, () => queue.run(w.work));
    await w.settle();
    expect(w.running()).toBe(2);
    while (w.releases.length > 0) {
      w.releases.shift()?.();
      await w.settle();
      expect(w.running()).toBeLessThanOrEqual(2);
    }
    expect(await Promise.all(all)).toEqual(Array(6).fill('done'));
    expect(w.most()).toBe(2);
  });

  it('refuses with auth.busy beyond the line it keeps, and frees the slot of failed work', async () => {
    const queue = createHashingQueue({ concurrency: 1, maxWaiting: 1 });
    const w = works();
    const first = queue.run(w.work);
    const second = queue.run(w.work);
    await expect(queue.run(w.work)).rejects.toMatchObject({
      code: 'auth.busy',
      details: { retryAfterSeconds: 1 },
    });
    await w.settle();
    w.releases.shift()?.();
    await w.settle();
    w.releases.shift()?.();
    await Promise.all([first, second]);
    await expect(queue.run(async () => Promise.reject(new Error('bad hash')))).rejects.toThrow();
    expect(await queue.run(async () => 'next')).toBe('next');
  });

  it('counts an admission in its line before its work runs, until it runs or leaves', async () => {
    const queue = createHashingQueue({ concurrency: 1, maxWaiting: 1 });
    const w = works();
    const first = queue.admit();
    const second = queue.admit();
    expect(() => queue.admit()).toThrow(expect.objectContaining({ code: 'auth.busy' }));
    second.leave();
    second.leave();
    const third = queue.admit();
    expect(() => queue.admit()).toThrow(expect.objectContaining({ code: 'auth.busy' }));
    const running = first.run(w.work);
    const next = third.run(w.work);
    await w.settle();
    expect(w.running()).toBe(1);
    w.releases.shift()?.();
    await w.settle();
    w.releases.shift()?.();
    expect(await Promise.all([running, next])).toEqual(['done', 'done']);
    expect(await queue.run(async () => 'free again')).toBe('free again');
    expect(await queue.run(async () => 'and again')).toBe('and again');
  });
});
