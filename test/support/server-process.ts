import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sql } from 'drizzle-orm';
import { hashPassword } from '../../src/auth/passwords.js';
import { createDb } from '../../src/db/create-db.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { testSocketPath } from './podman.js';

const bin = join(import.meta.dirname, '../../bin/claude-web.js');

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/**
 * Users in the server's database (the embedded one in `dataDir`, or PostgreSQL at
 * `databaseUrl`), with ids far from other tests' (they name workspace containers on the
 * shared test Podman). Resolves their ids.
 */
export async function seedUsers(
  dataDir: string,
  usernames: string[],
  password: string,
  options: { admins?: string[]; databaseUrl?: string } = {},
): Promise<number[]> {
  const database = await createDb(
    options.databaseUrl
      ? { kind: 'postgres', url: options.databaseUrl }
      : { kind: 'pglite', dataDir: join(dataDir, 'db') },
  );
  try {
    const start = 700_000 + Math.floor(Math.random() * 190_000);
    await database.db.execute(sql.raw(`alter table users alter column id restart with ${start}`));
    const users = createUsersRepository(database);
    const hash = await hashPassword(password);
    const ids: number[] = [];
    for (const username of usernames)
      ids.push(
        (
          await users.create({
            username,
            passwordHash: hash,
            isAdmin: options.admins?.includes(username) ?? false,
            now: new Date(),
          })
        ).id,
      );
    return ids;
  } finally {
    await database.close();
  }
}

/** The environment of a server on this machine's test Podman (libpod driver), on `port`. */
export function serverEnv(dataDir: string, port: number): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    LISTEN_PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    PODMAN_SOCKET: testSocketPath(),
    WORKSPACE_DRIVER: 'libpod',
    CONTAINER_STOP_TIMEOUT: '1',
    LOG_LEVEL: 'info',
  };
}

/**
 * Node's flags for `claude-web serve`, as package.json's start script and the systemd unit
 * give them (test/serve-command.fast.test.ts holds the three together).
 */
export const SERVE_NODE_FLAGS = ['--optimize-for-size', '--v8-pool-size=1'];

/**
 * Runs `claude-web serve` with Node's options `nodeOptions` (as in production:
 * SERVE_NODE_FLAGS) and resolves once it listens.
 */
export async function startServerProcess(
  env: Record<string, string>,
  nodeOptions: string[] = SERVE_NODE_FLAGS,
  /** Gets each line the server logs before it listens. */
  onLine: (line: string) => void = () => {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeOptions, bin, 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (!child.stdout) throw new Error('no stdout');
  for await (const line of createInterface({ input: child.stdout })) {
    onLine(line);
    if ((JSON.parse(line) as { msg?: string }).msg === 'listening') break;
  }
  child.stdout.resume();
  return child;
}
