import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { announceFirstAdmin } from './auth/first-admin.js';
import { type CommandName, parseCommand, usage } from './cli/arguments.js';
import { handlers } from './cli/commands.js';
import { confirm } from './cli/confirm.js';
import type { CliContext } from './cli/context.js';
import { EXIT, exitStatusByCode } from './cli/exit-status.js';
import { createOutput } from './cli/output.js';
import { type Clock, systemClock } from './clock/clock.js';
import { openParts, type Parts } from './composition/parts.js';
import { composeServer } from './composition/server.js';
import { type Config, loadConfig } from './config/load-config.js';
import { isAppError } from './errors/app-error.js';
import { startServer } from './http/server.js';
import { createLogger, type Logger } from './log/logger.js';
import { CLOSE } from './terminals/protocol.js';
import { startRuntimeIfMissing } from './workspaces/create-driver.js';
import { reportWorkspaces } from './workspaces/report.js';

/**
 * The entry point: the only place that reads the process's environment; `composition/`
 * wires the parts, the same way for the server here and for the tests.
 */
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

/** The database (nobody is attached yet: every live session is detached) and workspaces. */
async function prepare(parts: Parts, config: Config, clock: Clock, log: Logger) {
  const database = await parts.database.get();
  const repos = await parts.repos();
  const detached = await repos.sessions.detachAll();
  log.info({ database: database.kind, detached }, 'database ready; earlier sessions detached');
  await announceFirstAdmin({ users: repos.users, clock, write: (t) => process.stderr.write(t) });
  const { driver } = await parts.workspaces.get();
  const installation = (await parts.installation()).id;
  log.info(
    { driver: driver.name, socket: config.podman.socketPath, installation },
    'workspace driver chosen',
  );
  await reportWorkspaces(driver, log, await repos.sessions.listAll());
  return { database, repos, driver };
}

async function serve(config: Config): Promise<void> {
  const log = createLogger({ level: config.logLevel });
  const clock = systemClock;
  await startRuntimeIfMissing(config, clock, log);
  const parts = openParts(config, clock, log);
  await prepare(parts, config, clock, log);
  const server = await composeServer(config, parts, {
    clock,
    log,
    version: version(),
  });
  const http = await startServer(server.app, config.listen, log);
  const sockets = server.serveSockets(http.server);
  log.info({ address: http.address, attach: config.terminal.attach }, 'listening');
  await signalled(log);
  server.stop();
  for (const client of sockets.clients) client.close(CLOSE.goingAway, 'the server is restarting');
  await http.close();
  await server.close();
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
