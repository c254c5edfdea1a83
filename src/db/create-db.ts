import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { DatabaseConfig } from '../config/load-config.js';
import { databaseUnreachable, migrationFailed } from './errors.js';
import { migrationsFolder } from './migrations-folder.js';
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

/**
 * Opens the configured database and brings its schema up to date. Postgres when a URL is
 * configured; otherwise an embedded PGlite in `dataDir` (in memory when `dataDir` is absent).
 */
export async function createDb(config: DatabaseConfig): Promise<Database> {
  if (config.kind === 'postgres') return openPostgres(config.url);
  // Loaded only when used: a server on PostgreSQL does not carry PGlite's code.
  const { openPglite } = await import('./embedded.js');
  return openPglite(config.dataDir);
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

/** host:port/database, never the password. */
function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}
