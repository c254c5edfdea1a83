import argon2 from 'argon2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthService } from '../../src/auth/auth-service.js';
import { createLoginLimiter, DEFAULT_SLOW_DOWN, slowDownMs } from '../../src/auth/login-limiter.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { createAuthSessionsRepository } from '../../src/db/auth-sessions-repository.js';
import type { Database } from '../../src/db/create-db.js';
import { createLoginAttemptsRepository } from '../../src/db/login-attempts-repository.js';
import { authSessions } from '../../src/db/schema.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { databaseTargets } from '../support/databases.js';
import { eventually } from '../support/eventually.js';
import { createFakeClock } from '../support/fake-clock.js';

const targets = await databaseTargets();
const PASSWORD = 'correct horse battery';

describe.each(targets)('logging in, on $kind', (target) => {
  let database: Database;
  let clock: ReturnType<typeof createFakeClock>;
  let auth: ReturnType<typeof createAuthService>;
  let users: ReturnType<typeof createUsersRepository>;
  beforeEach(async () => {
    database = await target.open();
    clock = createFakeClock();
    users = createUsersRepository(database);
    const limiter = createLoginLimiter({
      attempts: createLoginAttemptsRepository(database),
      clock,
      maxFailures: 5,
      windowMs: 15 * 60_000,
    });
    auth = createAuthService({
      users,
      authSessions: createAuthSessionsRepository(database),
      limiter,
      clock,
      idleMs: 3600_000,
    });
    await users.create({
      username: 'alice',
      passwordHash: await hashPassword(PASSWORD),
      now: clock.now(),
    });
  });
  afterEach(async () => {
    await database.close();
  });

  it('gives a token for the right password, which then names the user', async () => {
    const { token, user, expiresAt } = await auth.login('alice', PASSWORD, '10.0.0.1');
    expect(user.username).toBe('alice');
    expect(expiresAt).toEqual(new Date(clock.now().getTime() + 3600_000));
    expect((await auth.authenticate(token)).username).toBe('alice');
  });

  it('rehashes a password hashed in four lanes (older servers) at its next login, in one', async () => {
    const bob = await users.create({
      username: 'bob',
      passwordHash: await argon2.hash(PASSWORD, { type: argon2.argon2id, parallelism: 4 }),
      now: clock.now(),
    });
    await auth.login('bob', PASSWORD, '10.0.0.1');
    const rehashed = (await users.get(bob.id)).passwordHash ?? '';
    expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=65536,p=1,t=3\$/);
    expect(await argon2.verify(rehashed, PASSWORD)).toBe(true);
    await expect(auth.login('bob', 'wrong password here', '10.0.0.1')).rejects.toMatchObject({
      code: 'auth.invalid_credentials',
    });
    expect((await auth.login('bob', PASSWORD, '10.0.0.1')).user.id).toBe(bob.id);
  });

  it('stores only a hash of the token', async () => {
    const { token } = await auth.login('alice', PASSWORD, '10.0.0.1');
    const rows = await database.db.select().from(authSessions);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).not.toContain(token);
    expect(rows[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const wrong = await auth.login('alice', 'not the password', '10.0.0.1').catch((e) => e);
    const unknown = await auth.login('mallory', PASSWORD, '10.0.0.1').catch((e) => e);
    expect(wrong).toMatchObject({
      code: 'auth.invalid_credentials',
      message: 'wrong username or password',
    });
    expect(unknown).toMatchObject({
      code: 'auth.invalid_credentials',
      message: 'wrong username or password',
    });
  });

  it('refuses a disabled user, and ends the logins of a user disabled later', async () => {
    const { token } = await auth.login('alice', PASSWORD, '10.0.0.1');
    const alice = await users.findByUsername('alice');
    await users.disable(alice?.id ?? -1, clock.now());
    await expect(auth.authenticate(token)).rejects.toMatchObject({ code: 'auth.unauthenticated' });
    await expect(auth.login('alice', PASSWORD, '10.0.0.1')).rejects.toMatchObject({
      code: 'auth.invalid_credentials',
    });
  });

  it('locks a username and address out after 5 failures for 15 minutes', async () => {
    for (let i = 0; i < 5; i++) await auth.login('alice', 'guess', '10.0.0.9').catch(() => {});
    await expect(auth.login('alice', PASSWORD, '10.0.0.9')).rejects.toMatchObject({
      code: 'auth.rate_limited',
      details: { retryAfterSeconds: 900 },
    });
    // Someone else, elsewhere, is not locked out by it.
    await expect(auth.login('alice', PASSWORD, '10.0.0.1')).resolves.toBeDefined();
    clock.advance(15 * 60_000 + 1);
    await expect(auth.login('alice', PASSWORD, '10.0.0.9')).resolves.toBeDefined();
  });

  it('counts an attempt before checking it: of 40 parallel guesses at most 5 are evaluated', async () => {
    const attempts = Array.from({ length: 40 }, (_, i) =>
      auth.login('alice', i === 37 ? PASSWORD : `guess ${i}`, '10.0.0.7').then(
        () => 'ok',
        (error: { code: string }) => error.code,
      ),
    );
    const codes = await Promise.all(attempts);
    expect(codes.filter((c) => c === 'auth.invalid_credentials').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 'auth.rate_limited').length).toBeGreaterThanOrEqual(35);
    expect(codes[37]).toBe('auth.rate_limited');
  });

  /** Lets `attempt` run to its end, moving the clock on while it waits. */
  async function withTimePassing<T>(attempt: Promise<T>): Promise<T> {
    let settled = false;
    attempt.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      clock.advance(500);
    }
    return attempt;
  }

  it('slows a username guessed at from many addresses down, but never locks its owner out', async () => {
    for (let address = 1; address <= 4; address++) {
      for (let i = 0; i < 5; i++) {
        await withTimePassing(auth.login('alice', 'guess', `10.0.1.${address}`)).catch(() => {});
      }
      await expect(auth.login('alice', 'guess', `10.0.1.${address}`)).rejects.toMatchObject({
        code: 'auth.rate_limited',
      });
    }
    // 20 attempts at alice: her own login waits 8 s, the longest wait, and then succeeds.
    const pending = auth.login('alice', PASSWORD, '10.0.0.1');
    let done = false;
    pending.then(() => (done = true)).catch(() => {});
    await eventually(() => expect(clock.pending()).toBe(1));
    clock.advance(7_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false);
    clock.advance(1);
    await expect(pending).resolves.toMatchObject({ user: { username: 'alice' } });
  });

  it('expires a login left unused, and extends one in use', async () => {
    const { token } = await auth.login('alice', PASSWORD, '10.0.0.1');
    clock.advance(50 * 60_000);
    await auth.authenticate(token);
    clock.advance(50 * 60_000);
    await expect(auth.authenticate(token)).resolves.toMatchObject({ username: 'alice' });
    clock.advance(60 * 60_000 + 1);
    await expect(auth.authenticate(token)).rejects.toMatchObject({ code: 'auth.unauthenticated' });
  });

  it('ends a login at logout; unknown and missing tokens are not logged in', async () => {
    const { token } = await auth.login('alice', PASSWORD, '10.0.0.1');
    await auth.logout(token);
    await expect(auth.authenticate(token)).rejects.toMatchObject({ code: 'auth.unauthenticated' });
    await expect(auth.authenticate('forged')).rejects.toMatchObject({
      code: 'auth.unauthenticated',
    });
    await expect(auth.authenticate(undefined)).rejects.toMatchObject({
      code: 'auth.unauthenticated',
    });
  });
});

describe('the slow-down of a username', () => {
  it.each([
    [0, 0],
    [9, 0],
    [10, 500],
    [11, 1_000],
    [13, 4_000],
    [14, 8_000],
    [1_000_000, 8_000],
  ])('after %i attempts waits %i ms', (attempts, ms) => {
    expect(slowDownMs(attempts, DEFAULT_SLOW_DOWN)).toBe(ms);
  });
});

describe('passwords', () => {
  it('refuses short ones', async () => {
    await expect(hashPassword('short')).rejects.toMatchObject({ code: 'auth.weak_password' });
  });
  it('are hashed with argon2id, 64 MiB and 3 passes in one lane (one thread per hash)', async () => {
    expect(await hashPassword(PASSWORD)).toMatch(/^\$argon2id\$v=19\$m=65536,p=1,t=3\$/);
  });
});
