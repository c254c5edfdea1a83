import type { Server } from 'node:http';
import { createAuthService } from '../auth/auth-service.js';
import { createNicedHasher } from '../auth/hasher.js';
import { createLoginLimiter } from '../auth/login-limiter.js';
import {
  createProxyAddresses,
  createTrustedProxy,
  type TrustedProxy,
} from '../auth/trusted-proxy.js';
import { scheduleCleanup } from '../cleanup/schedule.js';
import { type Clock, systemClock } from '../clock/clock.js';
import type { Config } from '../config/load-config.js';
import { createApp } from '../http/app.js';
import type { ReadinessCheck } from '../http/readiness.js';
import { serveTerminalSockets } from '../http/terminal-socket.js';
import type { TerminalSocketDeps } from '../http/terminal-socket-deps.js';
import type { Logger } from '../log/logger.js';
import { runningPrograms } from '../terminals/running-programs.js';
import { watchRuntime } from '../terminals/runtime-watch.js';
import { createSessionsService } from '../terminals/sessions-service.js';
import { watchWorkspaces } from '../terminals/workspace-watcher.js';
import { createImageUpgrades } from '../workspaces/upgrade.js';
import type { Parts } from './parts.js';

/** Where the event watcher keeps the last event it handled. */
const WATCHER_CHECKPOINT = 'watcher.last-event';

export interface ServerOptions {
  clock: Clock;
  log: Logger;
  version: string;
  /** Readiness checks instead of the database, Podman, cleanup and event stream ones. */
  checks?: ReadinessCheck[];
  /** A trusted proxy instead of the configured one. */
  proxy?: TrustedProxy;
  /** Without the watcher of workspace deaths (its event stream is the host's). */
  watch?: boolean;
  /**
   * What paces terminal output (a few milliseconds between messages): the real time unless
   * given, whatever `clock` is, since output must flow while a test's fake clock stands.
   */
  pacing?: Clock;
}

/**
 * Every part of the server, built from the configuration and `parts` (opened from it, with
 * what a test must replace: see `openParts`); `options` replaces the checks, the proxy or
 * the watcher where a test must. Nothing listens yet: `serveSockets` joins terminals to an
 * HTTP server; `close` ends the schedule and the watcher and closes what `parts` opened.
 */
export async function composeServer(config: Config, parts: Parts, options: ServerOptions) {
  const { clock, log } = options;
  const [database, repos, { driver }] = await Promise.all([
    parts.database.get(),
    parts.repos(),
    parts.workspaces.get(),
  ]);
  const hasher = createNicedHasher({ clock, log });
  const auth = createAuthService({
    users: repos.users,
    authSessions: repos.authSessions,
    limiter: createLoginLimiter({ attempts: repos.loginAttempts, clock }),
    clock,
    hasher,
  });
  const sessionsService = createSessionsService({
    sessions: repos.sessions,
    workspaces: driver,
    clock,
  });
  const proxy = options.proxy ?? (config.authProxy && createTrustedProxy(config.authProxy));
  const watcher =
    options.watch === false
      ? undefined
      : watchWorkspaces({
          workspaces: driver,
          sessions: repos.sessions,
          clock,
          log,
          checkpoint: {
            load: () => repos.serverState.get(WATCHER_CHECKPOINT),
            save: (cursor) => repos.serverState.set(WATCHER_CHECKPOINT, cursor),
          },
        });
  const runtime = watchRuntime({ ping: () => driver.ping(), clock });
  const sweep = await parts.sweep();
  const { intervalHours } = config.cleanup;
  const cleanup = scheduleCleanup({ sweep, runs: repos.runs, clock, log, intervalHours });
  const management = await parts.management();
  const app = createApp({
    auth,
    sessionsService,
    clock,
    log,
    publicOrigin: config.publicOrigin,
    proxy,
    proxyAddresses: createProxyAddresses(config.proxyAddresses),
    version: options.version,
    cleanup,
    admin: { ...repos, management, sweep, clock },
    sessionCounts: () => repos.sessions.countByStatus(),
    events: watcher?.health,
    counters: parts.counters,
    checks: options.checks ?? [
      { name: 'database', check: () => database.ping() },
      { name: 'podman', check: () => driver.ping() },
      { name: 'cleanup scheduler', check: cleanup.check },
      ...(watcher ? [{ name: 'podman events', check: watcher.check }] : []),
    ],
  });

  /** Stops the cleanup schedule and the watchers: nothing starts on its own any more. */
  function stop() {
    cleanup.stop();
    watcher?.stop();
    runtime.stop();
  }

  /** Serves terminals on `server`'s WebSocket upgrades; `tuning` for tests' short timers. */
  function serveSockets(server: Server, tuning: Partial<TerminalSocketDeps> = {}) {
    const upgrades = createImageUpgrades({
      workspaces: driver,
      sessions: repos.sessions,
      clock,
    });
    return serveTerminalSockets(server, {
      auth,
      sessionsService,
      sessions: repos.sessions,
      workspaces: driver,
      clock,
      pacing: options.pacing ?? systemClock,
      log,
      publicOrigin: config.publicOrigin,
      proxy,
      usage: parts.workspaceUsage,
      notices: parts.notices,
      runtime,
      upgradeOnVisit: (userId) =>
        upgrades.onVisit(userId, async (id) => (await runningPrograms(driver, id)).length > 0),
      keepaliveMs: config.terminal.keepaliveMs,
      scrollbackLines: config.terminal.scrollbackLines,
      deflateThreshold: config.terminal.deflateThreshold,
      counters: parts.counters,
      ...tuning,
    });
  }

  return {
    app,
    parts,
    database,
    repos,
    workspaces: driver,
    auth,
    sessionsService,
    sweep,
    cleanup,
    management,
    serveSockets,
    stop,
    /** Stops, then closes the database and the workspace driver's connection. */
    async close() {
      stop();
      hasher.close();
      await parts.close();
    },
  };
}

export type ComposedServer = Awaited<ReturnType<typeof composeServer>>;
