import { afterEach, describe, expect, it } from 'vitest';
import { createLoginLimiter } from '../../src/auth/login-limiter.js';
import { createDb, type Database } from '../../src/db/create-db.js';
import { createLoginAttemptsRepository } from '../../src/db/login-attempts-repository.js';
import { databaseTargets, scratchDatabase } from '../support/databases.js';
import { createFakeClock } from '../support/fake-clock.js';

const onPostgres = (await databaseTargets()).some((target) => target.kind === 'postgres');

describe.skipIf(!onPostgres)('the login limiter on PostgreSQL', () => {
  const opened: Database[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close();
    await drop?.();
  });

  async function server(url: string, clock: ReturnType<typeof createFakeClock>) {
    const database = await createDb({ kind: 'postgres', url });
    opened.push(database);
    const limiter = createLoginLimiter({
      attempts: createLoginAttemptsRepository(database),
      clock,
    });
    return { database, limiter };
  }

  it('is shared by the servers of one database and kept over a restart', async () => {
    const scratch = await scratchDatabase();
    drop = scratch.drop;
    const clock = createFakeClock();
    const first = await server(scratch.url, clock);
    const second = await server(scratch.url, clock);
    // Attempts spread over both servers add up.
    for (let i = 0; i < 5; i++) {
      await (i % 2 === 0 ? first : second).limiter.begin('admin', '198.51.100.7');
    }
    await expect(second.limiter.begin('admin', '198.51.100.7')).rejects.toMatchObject({
      code: 'auth.rate_limited',
    });
    // Both servers restart: the lock holds.
    for (const database of opened.splice(0)) await database.close();
    const restarted = await server(scratch.url, clock);
    await expect(restarted.limiter.begin('admin', '198.51.100.7')).rejects.toMatchObject({
      code: 'auth.rate_limited',
      details: { retryAfterSeconds: 900 },
    });
    await expect(restarted.limiter.begin('admin', '198.51.100.8')).resolves.toBeUndefined();
    clock.advance(15 * 60_000 + 1);
    await expect(restarted.limiter.begin('admin', '198.51.100.7')).resolves.toBeUndefined();
  });

  it('lets at most 5 of 40 parallel attempts through across two servers', async () => {
    const scratch = await scratchDatabase();
    drop = scratch.drop;
    const clock = createFakeClock();
    const [one, two] = [await server(scratch.url, clock), await server(scratch.url, clock)];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? one : two).limiter.begin('admin', '198.51.100.9').then(
          () => 'counted',
          (error: { code: string }) => error.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'counted')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'auth.rate_limited')).toHaveLength(35);
  });
});
