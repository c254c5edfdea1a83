import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCommand, usage } from './cli/arguments.js';
import { systemClock } from './clock/clock.js';
import { type Config, loadConfig } from './config/load-config.js';
import { createDb } from './db/create-db.js';
import { createSessionsRepository } from './db/sessions-repository.js';
import { isAppError } from './errors/app-error.js';
import { createApp } from './http/app.js';
import { startServer } from './http/server.js';
import { createLogger } from './log/logger.js';
import { createPodmanClient } from './podman/client.js';

/** The composition root: the only place that reads the process's environment and wires it. */
export async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command.name === 'help') return print(usage);
  if (command.name === 'version') return print(version());
  const config = loadConfig({
    env: process.env,
    uid: process.getuid?.() ?? 0,
    homeDir: homedir(),
    envFile: join(process.cwd(), '.env'),
  });
  await serve(config);
  return 0;
}

async function serve(config: Config): Promise<void> {
  const log = createLogger({ level: config.logLevel });
  const clock = systemClock;
  const database = await createDb(config.database);
  log.info({ database: database.kind }, 'database ready');

  const detached = await createSessionsRepository(database).detachAll();
  log.info({ detached }, 'sessions from the previous run marked detached');

  const podman = createPodmanClient({ socketPath: config.podman.socketPath });
  await podman.version().then(
    (v) => log.info({ socket: podman.socketPath, podman: v.Version }, 'podman reachable'),
    (error: unknown) => log.warn({ err: error }, 'podman not reachable yet; /readyz reports it'),
  );

  const app = createApp({
    clock,
    log,
    version: version(),
    checks: [
      { name: 'database', check: () => database.ping() },
      { name: 'podman', check: () => podman.ping() },
    ],
  });
  const server = await startServer(app, config.listen);
  log.info({ address: server.address }, 'listening');

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'shutting down; workspaces keep running');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await server.close();
  await Promise.allSettled([podman.close(), database.close()]);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

/** Known failures print their message alone; anything else is a bug and shows its stack. */
export function reportFatal(error: unknown): number {
  if (isAppError(error)) {
    process.stderr.write(`claude-web: ${error.message}\n`);
    return error.code === 'cli.usage' || error.code === 'config.invalid' ? 2 : 1;
  }
  process.stderr.write(
    `claude-web: unexpected error\n${(error as Error)?.stack ?? String(error)}\n`,
  );
  return 1;
}
