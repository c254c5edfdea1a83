import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/create-db.js';
import { EMBEDDED_DATABASE } from '../../src/db/embedded.js';
import { createServerStateRepository } from '../../src/db/server-state-repository.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { isAppError } from '../../src/errors/app-error.js';
import { databaseTargets, testPostgresUrl } from '../support/databases.js';

const now = new Date('2026-11-24T10:00:00Z');
const createDbModule = join(import.meta.dirname, '../../src/db/create-db.ts');
const hasPostgres = (await databaseTargets()).some((t) => t.kind === 'postgres');

describe('embedded PGlite in a data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'claude-web-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its data across a restart and migrates only once', async () => {
    const first = await createDb({ kind: 'pglite', dataDir: join(dir, 'db') });
    await createUsersRepository(first).create({ username: 'alice', now });
    const installation = await createServerStateRepository(first).get('installation.id');
    await first.close();
    expect(installation).toMatch(/^[0-9a-f]{12}$/);

    const second = await createDb({ kind: 'pglite', dataDir: join(dir, 'db') });
    const users = await createUsersRepository(second).list();
    const kept = await createServerStateRepository(second).get('installation.id');
    await second.close();
    expect(users.map((u) => u.username)).toEqual(['alice']);
    expect(kept).toBe(installation);
  });

  it('keeps the tables in template1, where data directories of earlier versions have them', async () => {
    const database = await createDb({ kind: 'pglite', dataDir: join(dir, 'kept') });
    await createUsersRepository(database).create({ username: 'bob', now });
    await database.close();
    // Earlier versions (PGlite 0.3) opened the directory's template1 without being asked.
    const raw = new PGlite({ dataDir: join(dir, 'kept'), database: 'template1' });
    const { rows } = await raw.query<{ username: string }>('select username from users');
    await raw.close();
    expect(EMBEDDED_DATABASE).toBe('template1');
    expect(rows.map((r) => r.username)).toEqual(['bob']);
  });

  it('refuses a second process while one has it open, naming the holder', async () => {
    const held = await createDb({ kind: 'pglite', dataDir: join(dir, 'db') });
    try {
      const other = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `import('${createDbModule}').then((m) => m.createDb({ kind: 'pglite', dataDir: '${join(dir, 'db')}' })).catch((e) => { console.error(e.code, e.message); process.exit(9); })`,
        ],
        { encoding: 'utf8' },
      );
      expect(other.status).toBe(9);
      expect(other.stderr).toContain(
        `db.in_use the embedded database in ${join(dir, 'db')} is in use by process ${process.pid}`,
      );
    } finally {
      await held.close();
    }
    // Left by a crash; or by a process before a reboot, whose pid now names another one.
    for (const stale of ['999999999 12345', `${process.pid} 1`, 'garbage']) {
      writeFileSync(`${join(dir, 'db')}.lock`, stale);
      const taken = await createDb({ kind: 'pglite', dataDir: join(dir, 'db') });
      await taken.close();
    }
  });

  it('says in one line which directory did not start, and lets go of it', async () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'PG_VERSION'), 'not a version\n');
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await createDb({ kind: 'pglite', dataDir: broken }).catch((e: unknown) => e);
      expect(isAppError(error, 'db.start_failed')).toBe(true);
      expect((error as Error).message).toMatch(
        new RegExp(`^the embedded database in ${broken} did not start: [^\\n]+$`),
      );
    }
  });

  it('starts on a directory that is there but empty', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const database = await createDb({ kind: 'pglite', dataDir: empty });
    await database.ping();
    await database.close();
  });
});

describe.skipIf(!hasPostgres)('real PostgreSQL', () => {
  it('lets several servers start at once: one migrates, the others wait', async () => {
    const admin = postgres(testPostgresUrl, { max: 1, onnotice: () => {} });
    const name = `cwtest_${randomBytes(4).toString('hex')}`;
    await admin.unsafe(`create database ${name}`);
    const url = new URL(testPostgresUrl);
    url.pathname = `/${name}`;
    try {
      const servers = await Promise.all(
        [1, 2, 3].map(() => createDb({ kind: 'postgres', url: url.toString() })),
      );
      const [first, , last] = servers;
      if (!first || !last) throw new Error('expected three servers');
      await createUsersRepository(first).create({ username: 'alice', now });
      const seen = await createUsersRepository(last).list();
      const ids = await Promise.all(
        servers.map((s) => createServerStateRepository(s).get('installation.id')),
      );
      await Promise.all(servers.map((s) => s.close()));
      expect(seen.map((u) => u.username)).toEqual(['alice']);
      // One installation, whichever server made its id.
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).toMatch(/^[0-9a-f]{12}$/);
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

describe('an unreachable PostgreSQL', () => {
  it('says clearly when the server cannot be reached, without the password', async () => {
    const error = await createDb({
      kind: 'postgres',
      url: 'postgres://claude:s3cret@127.0.0.1:1/claude',
    }).catch((e) => e);
    expect(isAppError(error, 'db.unreachable')).toBe(true);
    expect(error.message).toBe('cannot reach the database at 127.0.0.1:1/claude (ECONNREFUSED)');
    expect(error.message).not.toContain('s3cret');
  });
});
