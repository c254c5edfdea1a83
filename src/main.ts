import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuthService } from './auth/auth-service.js';
import { createFirstAdmin } from './auth/first-admin.js';
import { createLoginLimiter } from './auth/login-limiter.js';
import { createTrustedProxy } from './auth/trusted-proxy.js';
import { type Command, type CommandName, parseCommand, usage } from './cli/arguments.js';
import { createContainersCommands } from './cli/containers.js';
import { createOutput } from './cli/output.js';
import { createUsersCommands } from './cli/users.js';
import { type Clock, systemClock } from './clock/clock.js';
import { type Config, loadConfig } from './config/load-config.js';
import { createAuthSessionsRepository } from './db/auth-sessions-repository.js';
import { createDb, type Database } from './db/create-db.js';
import { createSessionsRepository } from './db/sessions-repository.js';
import { createUsersRepository } from './db/users-repository.js';
import { isAppError } from './errors/app-error.js';
import { createApp } from './http/app.js';
import { startServer } from './http/server.js';
import { serveTerminalSockets } from './http/terminal-socket.js';
import { createLogger, type Logger } from './log/logger.js';
import { createPodmanClient, type PodmanClient } from './podman/client.js';
import { createAttachDriver } from './terminals/create-attach-driver.js';
import { CLOSE } from './terminals/protocol.js';
import { createSessionsService } from './terminals/sessions-service.js';
import { watchWorkspaces } from './terminals/workspace-watcher.js';
import { createWorkspaceDriver, workspaceSettings } from './workspaces/create-driver.js';
import { createImageBuilder } from './workspaces/image-builder.js';
import { createSystemctl } from './workspaces/systemctl.js';

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
  if (command.name === 'serve') await serve(config);
  else if (command.name === 'users add') await runUsersCommand(command, config);
  else await runContainersCommand(command, config);
  return 0;
}

/** The image a missing workspace image is built from: the project's own Containerfile. */
const containerfile = fileURLToPath(new URL('../Containerfile', import.meta.url));

async function openWorkspaces(config: Config, clock: Clock, log: Logger) {
  const podman = createPodmanClient({ socketPath: config.podman.socketPath });
  const { baseImage } = config.workspace;
  const images = createImageBuilder({
    podman,
    log,
    containerfile,
    buildArgs: baseImage ? { BASE_IMAGE: baseImage } : {},
  });
  const driver = await createWorkspaceDriver({
    images,
    kind: config.workspace.driver,
    podman,
    clock,
    systemctl: createSystemctl(),
    settings: workspaceSettings(config.workspace),
    quadletDir: config.workspace.quadletDir,
  });
  return { podman, driver };
}

type ContainersCommands = ReturnType<typeof createContainersCommands>;
const containerCommands: Partial<
  Record<
    CommandName,
    (c: ContainersCommands, a: Record<string, string>, json: boolean) => Promise<void>
  >
> = {
  'containers ls': (c, _a, json) => c.ls(json),
  'containers start': (c, a, json) => c.start(a.user ?? '', json),
  'containers stop': (c, a, json) => c.stop(a.user ?? '', json),
  'containers rm': (c, a, json) => c.rm(a.user ?? '', json),
};

async function runContainersCommand(
  command: Exclude<Command, { name: 'help' | 'version' }>,
  config: Config,
) {
  const log = createLogger({ level: config.logLevel, stream: 'stderr' });
  const { podman, driver } = await openWorkspaces(config, systemClock, log);
  const out = createOutput((text) => process.stdout.write(text));
  try {
    await containerCommands[command.name]?.(
      createContainersCommands({ driver, out }),
      command.args,
      command.json,
    );
  } finally {
    await podman.close();
  }
}

async function runUsersCommand(
  command: Exclude<Command, { name: 'help' | 'version' }>,
  config: Config,
) {
  const database = await createDb(config.database);
  const out = createOutput((text) => process.stdout.write(text));
  try {
    const users = createUsersCommands({
      users: createUsersRepository(database),
      clock: systemClock,
      out,
    });
    await users.add(command.args.username ?? '', command.admin, command.json);
  } finally {
    await database.close();
  }
}

async function serve(config: Config): Promise<void> {
  const log = createLogger({ level: config.logLevel });
  const clock = systemClock;
  const database = await openDatabase(config, log);
  const { podman, driver } = await openWorkspaces(config, clock, log);
  log.info({ driver: driver.kind, socket: podman.socketPath }, 'workspace driver chosen');
  await reportWorkspaces(driver, log);

  await announceFirstAdmin(database, clock);
  const services = createServices(database, podman, clock);
  const proxy = config.authProxy && createTrustedProxy(config.authProxy);
  const watcher = watchWorkspaces({ podman, sessions: services.sessionsRepo, clock, log });
  const app = createApp({
    ...services,
    clock,
    log,
    publicOrigin: config.publicOrigin,
    proxy,
    version: version(),
    checks: [
      { name: 'database', check: () => database.ping() },
      { name: 'podman', check: () => podman.ping() },
    ],
  });
  const server = await startServer(app, config.listen);
  const attach = createAttachDriver({
    kind: config.terminalAttach,
    podman,
    podmanBinary: 'podman',
    env: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: homedir() },
  });
  const sockets = serveTerminalSockets(server.server, {
    ...services,
    workspaces: driver,
    attach,
    clock,
    log,
    publicOrigin: config.publicOrigin,
    proxy,
  });
  log.info({ address: server.address, attach: attach.kind }, 'listening');
  await signalled(log);
  watcher.stop();
  for (const client of sockets.clients) client.close(CLOSE.goingAway, 'the server is restarting');
  await server.close();
  await Promise.allSettled([podman.close(), database.close()]);
}

/** Opens the database; nobody is attached yet, so every live session is detached. */
async function openDatabase(config: Config, log: Logger): Promise<Database> {
  const database = await createDb(config.database);
  const detached = await createSessionsRepository(database).detachAll();
  log.info(
    { database: database.kind, detached },
    'database ready; sessions of the previous run detached',
  );
  return database;
}

/**
 * A fresh installation gets its administrator, whose password is shown once on stderr: the
 * log on stdout stays machine-readable and never carries the password.
 */
async function announceFirstAdmin(database: Database, clock: Clock) {
  const admin = await createFirstAdmin({ users: createUsersRepository(database), clock });
  if (!admin) return;
  process.stderr.write(
    `claude-web: first start: created the administrator "${admin.username}"\n` +
      `claude-web: password (shown once, not stored): ${admin.password}\n`,
  );
}

function createServices(database: Database, podman: PodmanClient, clock: Clock) {
  const auth = createAuthService({
    users: createUsersRepository(database),
    authSessions: createAuthSessionsRepository(database),
    limiter: createLoginLimiter({ clock }),
    clock,
  });
  const sessionsRepo = createSessionsRepository(database);
  const sessions = createSessionsService({ sessions: sessionsRepo, podman, clock });
  return { auth, sessions, sessionsRepo };
}

/** Workspaces outlive the server: after a restart or a crash, they are found again here. */
async function reportWorkspaces(
  driver: Awaited<ReturnType<typeof openWorkspaces>>['driver'],
  log: Logger,
) {
  try {
    for (const w of await driver.list()) {
      log.info(
        {
          user: w.userId,
          container: w.container,
          state: w.state,
          containerId: w.containerId,
          startedAt: w.startedAt,
        },
        'workspace found',
      );
    }
  } catch (error) {
    log.warn({ err: error }, 'workspaces could not be listed yet; /readyz reports Podman');
  }
}

function signalled(log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'shutting down; workspaces keep running');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
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
