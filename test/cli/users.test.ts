import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../../src/auth/auth-service.js';
import { createLoginLimiter } from '../../src/auth/login-limiter.js';
import { systemClock } from '../../src/clock/clock.js';
import { createAuthSessionsRepository } from '../../src/db/auth-sessions-repository.js';
import { createDb } from '../../src/db/create-db.js';
import { createLoginAttemptsRepository } from '../../src/db/login-attempts-repository.js';
import { createUsersRepository } from '../../src/db/users-repository.js';

const bin = join(import.meta.dirname, '../../bin/claude-web.js');

describe('claude-web users add (embedded database)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-users-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir },
      encoding: 'utf8',
    });

  it('creates the first administrator with a password shown once, which logs in', async () => {
    const { stdout } = await cli('users', 'add', 'root', '--admin');
    const [created, shown] = stdout.trim().split('\n');
    expect(created).toMatch(/^created administrator root \(id \d+\)$/);
    const password = shown?.match(
      /^password \(shown once, not stored\): ([A-Za-z0-9_-]{24})$/,
    )?.[1];
    expect(password).toBeDefined();

    const database = await createDb({ kind: 'pglite', dataDir: join(dataDir, 'db') });
    try {
      const users = createUsersRepository(database);
      const stored = await users.findByUsername('root');
      expect(stored).toMatchObject({
        isAdmin: true,
        passwordHash: expect.stringMatching(/^\$argon2id\$/),
      });
      expect(stored?.passwordHash).not.toContain(password);
      const auth = createAuthService({
        users,
        authSessions: createAuthSessionsRepository(database),
        limiter: createLoginLimiter({
          attempts: createLoginAttemptsRepository(database),
          clock: systemClock,
        }),
        clock: systemClock,
      });
      await expect(auth.login('root', password ?? '', '127.0.0.1')).resolves.toMatchObject({
        user: { username: 'root' },
      });
    } finally {
      await database.close();
    }
  });

  it('refuses a taken username and an unsafe one, saying why', async () => {
    const taken = await cli('users', 'add', 'root').catch((e) => e);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe('claude-web: the username "root" is taken\n');
    const unsafe = await cli('users', 'add', '../root').catch((e) => e);
    expect(unsafe.code).toBe(1);
    expect(unsafe.stderr).toMatch(/^claude-web: usernames are 1-63 lowercase letters/);
  });
});
