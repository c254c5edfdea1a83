import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Database } from './create-db.js';
import { embeddedStartFailed, migrationFailed } from './errors.js';
import { migrationsFolder } from './migrations-folder.js';
import { lockDataDir } from './pglite-lock.js';
import { takeTurns } from './pglite-turns.js';
import * as schema from './schema.js';

/** The embedded database (PGlite) in `dataDir`, or in memory when `dataDir` is absent. */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  setFlagsFromString(BASELINE_WASM);
  const fresh = dataDir === undefined || !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  if (fresh && dataDir) await initializeInChild(dataDir);
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
 * PGlite's PostgreSQL is WebAssembly. V8 compiles it with its baseline compiler (Liftoff)
 * and then again, function by function, with its optimizing one (TurboFan), keeping both:
 * the second copy is what held an idle server on the embedded database above its 150 MB
 * budget. With Liftoff alone, a process that ran 600 queries was 137-139 MB against
 * 169-187 MB, its first queries were faster, and queries in a long run 10-16% slower
 * (0.04-0.08 ms each, over 18,000). An idle server went from 172 to 134-140 MB. This is
 * process-wide: the only other WebAssembly here is undici's HTTP parser, which reads
 * Podman's short answers. Set before the first PGlite compiles its module; the flag is
 * read when WebAssembly is compiled.
 */
const BASELINE_WASM = '--liftoff-only';

/**
 * Where the tables are. PGlite 0.3 used `template1` when asked for no database, 0.4 uses
 * `postgres`: data directories made before keep their tables in `template1`.
 */
export const EMBEDDED_DATABASE = 'template1';

const startOptions = (dataDir: string | undefined) => ({
  dataDir,
  database: EMBEDDED_DATABASE,
  startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS],
});

/** Makes the database: argument 1 is PGlite's entry point, argument 2 its options (with the directory). */
const INITIALIZE = `require(process.argv[1]).PGlite.create(JSON.parse(process.argv[2]))
  .then((db) => db.close()).then(() => process.exit(0), () => process.exit(1));`;

/**
 * PGlite 0.4 makes a new database (initdb) in a second instance of itself, whose memory
 * stays with the process after it is gone: a process that made its database was 415 MB
 * resident against 259 MB for one that opened it. A fresh directory is therefore made by a
 * short-lived child process; where that fails, the start after it makes it here, as before.
 */
async function initializeInChild(dataDir: string): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const child = spawn(
    process.execPath,
    [BASELINE_WASM, '-e', INITIALIZE, entry, JSON.stringify(startOptions(dataDir))],
    { stdio: 'ignore', env: {} },
  );
  const [code] = await once(child, 'exit').catch(() => [1]);
  if (code !== 0) emptyDirectory(dataDir);
}

/**
 * Starts PGlite and brings its schema up to date. A start that fails on a directory that
 * was empty before is tried again from empty (a first start on a busy machine once aborted
 * in PGlite's shutdown); the error reported is always the first one, never the abort of
 * the cleanup after it.
 */
async function startPglite(dataDir: string | undefined, attempts: number): Promise<PGlite> {
  for (let attempt = 1; ; attempt++) {
    const client = new PGlite(startOptions(dataDir));
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
