import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { DatabaseConfig } from '../config/load-config.js';
import { databaseUnreachable, embeddedStartFailed, migrationFailed } from './errors.js';
import { lockDataDir } from './pglite-lock.js';
import { takeTurns } from './pglite-turns.js';
import * as schema from './schema.js';

/** Drizzle over either driver; repositories are written against this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: DatabaseConfig['kind'];
  /** Round-trips a trivial query; rejects with `db.unreachable`. */
  ping(): Promise<void>;
  /**
   * Runs `fn` while holding the named lock across every process on this database; resolves
   * `{ locked: false }` at once when another holder has it. (PGlite has one process.)
   */
  exclusive<T>(
    name: string,
    fn: () => Promise<T>,
  ): Promise<{ locked: true; value: T } | { locked: false }>;
  close(): Promise<void>;
}

/** Kept beside the sources and the build output alike: `<root>/drizzle`. */
const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * Opens the configured database and brings its schema up to date. Postgres when a URL is
 * configured; otherwise an embedded PGlite in `dataDir` (in memory when `dataDir` is absent).
 */
export async function createDb(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'postgres' ? openPostgres(config.url) : openPglite(config.dataDir);
}

async function openPostgres(url: string): Promise<Database> {
  const where = describeUrl(url);
  const sql = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzlePostgres(sql, { schema });
  const ping = async () => {
    await sql`select 1`.catch((error: unknown) => {
      throw databaseUnreachable(where, error);
    });
  };
  try {
    await ping();
    await migrateOnce(sql, () => migratePostgres(db, { migrationsFolder }));
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw error;
  }
  return {
    db,
    kind: 'postgres',
    ping,
    exclusive: (name, fn) => tryAdvisoryLock(sql, name, fn),
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Several servers may start at once against one database; one migrates, the rest wait. */
async function migrateOnce(sql: postgres.Sql, run: () => Promise<void>): Promise<void> {
  const lock = await sql.reserve();
  try {
    await lock`select pg_advisory_lock(hashtext('claude-web:migrations'))`;
    await run().catch((error: unknown) => {
      throw migrationFailed(error);
    });
  } finally {
    await lock`select pg_advisory_unlock(hashtext('claude-web:migrations'))`.catch(() => {});
    lock.release();
  }
}

async function tryAdvisoryLock<T>(sql: postgres.Sql, name: string, fn: () => Promise<T>) {
  const lock = await sql.reserve();
  try {
    const [row] = await lock`select pg_try_advisory_lock(hashtext(${name})) as ok`;
    if (!row?.ok) return { locked: false as const };
    try {
      return { locked: true as const, value: await fn() };
    } finally {
      await lock`select pg_advisory_unlock(hashtext(${name}))`.catch(() => {});
    }
  } finally {
    lock.release();
  }
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const fresh = dataDir === undefined || !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  const client = await startPglite(dataDir, fresh ? 3 : 1).catch((error: unknown) => {
    unlock();
    throw error;
  });
  return {
    db: drizzlePglite(takeTurns(client), { schema }),
    kind: 'pglite',
    ping: async () => {
      await client.query('select 1');
    },
    exclusive: async (_name, fn) => ({ locked: true, value: await fn() }),
    close: async () => {
      await client.close();
      unlock();
    },
  };
}

/**
 * The embedded database's own memory: PostgreSQL's default 128 MB of shared buffers made
 * an idle server 309 MB resident; 16 MB (thousands of pages, far more than this schema's
 * rows) made it 161-189 MB (bench/idle-memory.ts). PGlite ignores postgresql.conf; these
 * go on its command line.
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB'];

/**
 * Where the tables are. PGlite 0.3 used `template1` when asked for no database, 0.4 uses
 * `postgres`: data directories made before keep their tables in `template1`.
 */
export const EMBEDDED_DATABASE = 'template1';

/**
 * Starts PGlite and brings its schema up to date. A start that fails on a directory that
 * was empty before is tried again from empty (a first start on a busy machine once aborted
 * in PGlite's shutdown); the error reported is always the first one, never the abort of
 * the cleanup after it.
 */
async function startPglite(dataDir: string | undefined, attempts: number): Promise<PGlite> {
  for (let attempt = 1; ; attempt++) {
    const client = new PGlite({
      dataDir,
      database: EMBEDDED_DATABASE,
      startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS],
    });
    let migrating = false;
    try {
      await client.waitReady;
      migrating = true;
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
      return client;
    } catch (error) {
      await client.close().catch(() => {});
      if (migrating && attempt >= attempts) throw migrationFailed(error);
      if (attempt >= attempts) throw embeddedStartFailed(dataDir ?? 'memory', error);
      if (dataDir) emptyDirectory(dataDir);
    }
  }
}

function emptyDirectory(dir: string): void {
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
}

/** host:port/database, never the password. */
function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}
