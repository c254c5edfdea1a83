import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuthService } from './auth/auth-service.js';
import { announceFirstAdmin } from './auth/first-admin.js';
import { createLoginLimiter } from './auth/login-limiter.js';
import { createProxyAddresses, createTrustedProxy } from './auth/trusted-proxy.js';
import { EXITED_HOURS, HOUR_MS } from './cleanup/policy.js';
import { scheduleCleanup } from './cleanup/schedule.js';
import { createCleanupSweep } from './cleanup/sweep.js';
import { type CommandName, parseCommand, usage } from './cli/arguments.js';
import { handlers } from './cli/commands.js';
import { confirm } from './cli/confirm.js';
import type { CliContext } from './cli/context.js';
import { EXIT, exitStatusByCode } from './cli/exit-status.js';
import { createOutput } from './cli/output.js';
import { type Clock, systemClock } from './clock/clock.js';
import { type Config, loadConfig } from './config/load-config.js';
import { createAuthSessionsRepository } from './db/auth-sessions-repository.js';
import { createCleanupRunsRepository } from './db/cleanup-runs-repository.js';
import { createDb } from './db/create-db.js';
import { createLoginAttemptsRepository } from './db/login-attempts-repository.js';
import { createServerStateRepository } from './db/server-state-repository.js';
import { createSessionsRepository } from './db/sessions-repository.js';
import { createUsersRepository } from './db/users-repository.js';
import { isAppError } from './errors/app-error.js';
import { createApp } from './http/app.js';
import { startServer } from './http/server.js';
import { serveTerminalSockets } from './http/terminal-socket.js';
import { createLogger, type Logger } from './log/logger.js';
import { createCounters } from './metrics/counters.js';
import { ensurePodmanService } from './podman/service.js';
import { createAttachDriver } from './terminals/create-attach-driver.js';
import { createNoticeBoard } from './terminals/notices.js';
import { CLOSE } from './terminals/protocol.js';
import { runningPrograms } from './terminals/running-programs.js';
import { createSessionsService } from './terminals/sessions-service.js';
import { watchWorkspaces } from './terminals/workspace-watcher.js';
import { openWorkspaces } from './workspaces/create-driver.js';
import { stageImageContext } from './workspaces/image-context.js';
import { createWorkspaceManagement } from './workspaces/management.js';
import { reportWorkspaces } from './workspaces/report.js';
import { createImageUpgrades } from './workspaces/upgrade.js';
import { createWorkspaceUsage } from './workspaces/usage.js';

/** Where the event watcher keeps the last event it handled. */
const WATCHER_CHECKPOINT = 'watcher.last-event';

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
  if (command.name === 'serve') {
    await serve(config);
    return 0;
  }
  const { name, args, ...flags } = command;
  return runCommand(name, args, flags, config);
}

/** The image a missing workspace image is built from: the project's own Containerfile. */
const containerfile = fileURLToPath(new URL('../Containerfile', import.meta.url));

/** Opens nothing until a command asks; closes whatever was opened. */
function lazy<T>(open: () => Promise<T>) {
  let opened: Promise<T> | undefined;
  return {
    get: () => {
      opened ??= open();
      return opened;
    },
    ifOpened: () => opened,
  };
}

/** Everything a server or a command works with, each part opened on first use. */
function openParts(config: Config, clock: Clock, log: Logger) {
  const database = lazy(() => createDb(config.database));
  const workspaceUsage = createWorkspaceUsage();
  const notices = createNoticeBoard();
  const counters = createCounters();
  const workspaces = lazy(() => openWorkspaces({ config, clock, log, containerfile, counters }));
  const repos = async () => {
    const db = await database.get();
    return {
      users: createUsersRepository(db),
      sessions: createSessionsRepository(db),
      runs: createCleanupRunsRepository(db),
      authSessions: createAuthSessionsRepository(db),
      loginAttempts: createLoginAttemptsRepository(db),
      serverState: createServerStateRepository(db),
    };
  };
  const repo =
    <K extends keyof Awaited<ReturnType<typeof repos>>>(key: K) =>
    async () =>
      (await repos())[key];
  const sweep = async () => {
    const [{ sessions, runs }, { driver }] = await Promise.all([repos(), workspaces.get()]);
    return createCleanupSweep({
      workspaces: driver,
      sessions,
      runs,
      database: await database.get(),
      clock,
      log,
      config: { ...config.cleanup, exitedHours: EXITED_HOURS },
      usage: workspaceUsage,
      notifier: notices,
      warnWithinMs: config.cleanup.intervalHours * HOUR_MS,
    });
  };
  const management = async () => {
    const [{ users, sessions }, { driver, podman }] = await Promise.all([
      repos(),
      workspaces.get(),
    ]);
    const { idleHours } = config.cleanup;
    return createWorkspaceManagement({
      workspaces: driver,
      podman,
      users,
      sessions,
      clock,
      idleHours,
      image: config.workspace.image,
    });
  };
  const close = async () => {
    const opened = [
      workspaces.ifOpened()?.then((w) => w.podman.close()),
      database.ifOpened()?.then((d) => d.close()),
    ];
    await Promise.allSettled(opened);
  };
  return {
    database,
    workspaces,
    counters,
    workspaceUsage,
    notices,
    repos,
    sweep,
    management,
    close,
    /** The parts as commands ask for them. */
    forCommands: {
      workspaces: async () => (await workspaces.get()).driver,
      images: async () => ({
        builder: (await workspaces.get()).images,
        image: config.workspace.image,
      }),
      stageImageContext: (dir: string, onProgress: (line: string) => void) =>
        stageImageContext({ containerfile, dir, onProgress }),
      management,
      sweep,
      users: repo('users'),
      sessions: repo('sessions'),
      authSessions: repo('authSessions'),
    },
  };
}

async function runCommand(
  name: Exclude<CommandName, 'serve'>,
  args: Record<string, string>,
  flags: CliContext['flags'],
  config: Config,
): Promise<number> {
  const log = createLogger({ level: config.logLevel, stream: 'stderr' });
  const parts = openParts(config, systemClock, log);
  const ctx: CliContext = {
    ...parts.forCommands,
    out: createOutput((text) => process.stdout.write(text)),
    clock: systemClock,
    flags,
    confirm: (question) => confirm(question, process.stdin, process.stderr),
    progress: (line) => process.stderr.write(`${line}\n`),
  };
  try {
    return (await handlers[name](ctx, args)) ?? 0;
  } finally {
    await parts.close();
  }
}

/** What the `podman` commands the server runs see of its environment. */
function podmanEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: homedir() };
}

/** Without a Podman API socket the server starts the service itself, and says so. */
async function startPodmanIfMissing(config: Config, clock: Clock, log: Logger): Promise<void> {
  const { socketPath } = config.podman;
  const env = podmanEnv();
  const runtimeDir = process.env.XDG_RUNTIME_DIR;
  const started = await ensurePodmanService({
    socketPath,
    binary: 'podman',
    env: { ...env, ...(runtimeDir ? { XDG_RUNTIME_DIR: runtimeDir } : {}) },
    clock,
  });
  if (started.outcome === 'started')
    log.warn(
      { socket: socketPath, pid: started.pid },
      'no Podman API socket: started `podman system service` for it; with systemd, `systemctl --user enable --now podman.socket` starts it on demand instead',
    );
  if (started.outcome === 'unavailable')
    log.warn(
      { socket: socketPath, why: started.why },
      'no Podman API socket, and none could be started',
    );
}

/** The database (nobody is attached yet: every live session is detached) and workspaces. */
async function prepare(parts: ReturnType<typeof openParts>, clock: Clock, log: Logger) {
  const database = await parts.database.get();
  const repos = await parts.repos();
  const detached = await repos.sessions.detachAll();
  log.info({ database: database.kind, detached }, 'database ready; earlier sessions detached');
  await announceFirstAdmin({ users: repos.users, clock, write: (t) => process.stderr.write(t) });
  const { podman, driver } = await parts.workspaces.get();
  log.info({ driver: driver.kind, socket: podman.socketPath }, 'workspace driver chosen');
  await reportWorkspaces(driver, log, await repos.sessions.listAll());
  return { database, repos, podman, driver };
}

async function serve(config: Config): Promise<void> {
  const log = createLogger({ level: config.logLevel });
  const clock = systemClock;
  await startPodmanIfMissing(config, clock, log);
  const parts = openParts(config, clock, log);
  const { database, repos, podman, driver } = await prepare(parts, clock, log);

  const auth = createAuthService({
    users: repos.users,
    authSessions: repos.authSessions,
    limiter: createLoginLimiter({ attempts: repos.loginAttempts, clock }),
    clock,
  });
  const sessionsService = createSessionsService({ sessions: repos.sessions, podman, clock });
  const proxy = config.authProxy && createTrustedProxy(config.authProxy);
  const watcher = watchWorkspaces({
    podman,
    sessions: repos.sessions,
    clock,
    log,
    checkpoint: {
      load: () => repos.serverState.get(WATCHER_CHECKPOINT),
      save: (timeNano) => repos.serverState.set(WATCHER_CHECKPOINT, timeNano),
    },
  });
  const sweep = await parts.sweep();
  const { intervalHours } = config.cleanup;
  const cleanup = scheduleCleanup({ sweep, runs: repos.runs, clock, log, intervalHours });
  const admin = { ...repos, management: await parts.management(), sweep, clock };
  const app = createApp({
    auth,
    sessionsService,
    clock,
    log,
    publicOrigin: config.publicOrigin,
    proxy,
    proxyAddresses: createProxyAddresses(config.proxyAddresses),
    version: version(),
    cleanup,
    admin,
    sessionCounts: () => repos.sessions.countByStatus(),
    events: watcher.health,
    counters: parts.counters,
    checks: [
      { name: 'database', check: () => database.ping() },
      { name: 'podman', check: () => podman.ping() },
      { name: 'cleanup scheduler', check: cleanup.check },
      { name: 'podman events', check: watcher.check },
    ],
  });
  const server = await startServer(app, config.listen, log);
  const attach = createAttachDriver({
    kind: config.terminal.attach,
    podman,
    podmanBinary: 'podman',
    env: podmanEnv(),
    clock,
    scrollbackLines: config.terminal.scrollbackLines,
  });
  const upgrades = createImageUpgrades({
    workspaces: driver,
    podman,
    sessions: repos.sessions,
    clock,
    image: config.workspace.image,
  });
  const sockets = serveTerminalSockets(server.server, {
    auth,
    sessionsService,
    sessions: repos.sessions,
    workspaces: driver,
    attach,
    clock,
    log,
    publicOrigin: config.publicOrigin,
    proxy,
    usage: parts.workspaceUsage,
    notices: parts.notices,
    upgradeOnVisit: (userId) =>
      upgrades.onVisit(
        userId,
        async (container) => (await runningPrograms(podman, container)).length > 0,
      ),
    keepaliveMs: config.terminal.keepaliveMs,
    scrollbackLines: config.terminal.scrollbackLines,
    deflateThreshold: config.terminal.deflateThreshold,
    counters: parts.counters,
  });
  log.info({ address: server.address, attach: attach.kind }, 'listening');
  await signalled(log);
  cleanup.stop();
  watcher.stop();
  for (const client of sockets.clients) client.close(CLOSE.goingAway, 'the server is restarting');
  await server.close();
  await parts.close();
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
  return EXIT.done;
}

/** Known failures print their message alone; anything else is a bug and shows its stack. */
export function reportFatal(error: unknown): number {
  if (isAppError(error)) {
    process.stderr.write(`claude-web: ${error.message}\n`);
    return exitStatusByCode[error.code];
  }
  process.stderr.write(
    `claude-web: unexpected error\n${(error as Error)?.stack ?? String(error)}\n`,
  );
  return EXIT.failed;
}
