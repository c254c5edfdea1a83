import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDb, type Database } from '../../src/db/create-db.js';
import { missingDependency } from './real-deps.js';

/** The Postgres server the tests may create databases on (trust auth on CI machines). */
export const testPostgresUrl =
  process.env.TEST_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

export interface DatabaseTarget {
  kind: Database['kind'];
  /** A new, empty database with the real migrations applied. */
  open(): Promise<Database>;
}

const pglite: DatabaseTarget = {
  kind: 'pglite',
  open: () => createDb({ kind: 'pglite' }),
};

async function postgresReachable(): Promise<string | undefined> {
  const sql = postgres(testPostgresUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A new, empty database on the server of `serverUrl`: its URL, and how to drop it. */
export async function scratchDatabase(
  serverUrl = testPostgresUrl,
): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `cwtest_${randomBytes(4).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Each `open()` creates a database of its own on the server and drops it on close. */
const realPostgres: DatabaseTarget = {
  kind: 'postgres',
  async open() {
    const scratch = await scratchDatabase();
    const database = await createDb({ kind: 'postgres', url: scratch.url });
    return {
      ...database,
      async close() {
        await database.close();
        await scratch.drop();
      },
    };
  },
};

/** PGlite always; the real Postgres when it answers (required under CI). */
export async function databaseTargets(): Promise<DatabaseTarget[]> {
  const problem = await postgresReachable();
  if (problem === undefined) return [pglite, realPostgres];
  missingDependency(
    `PostgreSQL at ${testPostgresUrl}`,
    problem,
    'Start PostgreSQL or set TEST_DATABASE_URL.',
  );
  return [pglite];
}
