import { fileURLToPath } from 'node:url';
import { EXITED_HOURS, HOUR_MS } from '../cleanup/policy.js';
import { createCleanupSweep } from '../cleanup/sweep.js';
import type { Clock } from '../clock/clock.js';
import type { Config } from '../config/load-config.js';
import { createAuthSessionsRepository } from '../db/auth-sessions-repository.js';
import { createCleanupRunsRepository } from '../db/cleanup-runs-repository.js';
import { createDb, type Database } from '../db/create-db.js';
import { createLoginAttemptsRepository } from '../db/login-attempts-repository.js';
import { createServerStateRepository } from '../db/server-state-repository.js';
import { createSessionsRepository } from '../db/sessions-repository.js';
import { createUsersRepository } from '../db/users-repository.js';
import type { Logger } from '../log/logger.js';
import { createCounters } from '../metrics/counters.js';
import { createNoticeBoard } from '../terminals/notices.js';
import { type OpenedWorkspaces, openWorkspaces } from '../workspaces/create-driver.js';
import { stageImageContext } from '../workspaces/image-context.js';
import type { Installation } from '../workspaces/installation.js';
import { createWorkspaceManagement } from '../workspaces/management.js';
import { createWorkspaceUsage } from '../workspaces/usage.js';

/** The image a missing workspace image is built from: the project's own Containerfile. */
const containerfile = fileURLToPath(new URL('../../Containerfile', import.meta.url));

/** Where the database keeps the installation's id (made by migration 0006). */
export const INSTALLATION_KEY = 'installation.id';

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

/** Parts built elsewhere instead of from the configuration: what tests must replace. */
export interface PartOverrides {
  database?: Database;
  workspaces?: OpenedWorkspaces;
}

/**
 * Everything a server or a command works with, each part opened on first use, from the
 * configuration unless given in `overrides`.
 */
export function openParts(
  config: Config,
  clock: Clock,
  log: Logger,
  overrides: PartOverrides = {},
) {
  const given = <T>(part: T | undefined, open: () => Promise<T>) =>
    lazy(part === undefined ? open : async () => part);
  const database = given(overrides.database, () => createDb(config.database));
  const workspaceUsage = createWorkspaceUsage();
  const notices = createNoticeBoard();
  const counters = createCounters();
  const repositories = lazy(async () => {
    const db = await database.get();
    return {
      users: createUsersRepository(db),
      sessions: createSessionsRepository(db),
      runs: createCleanupRunsRepository(db),
      authSessions: createAuthSessionsRepository(db),
      loginAttempts: createLoginAttemptsRepository(db),
      serverState: createServerStateRepository(db),
    };
  });
  const repos = repositories.get;
  const installation = async (): Promise<Installation> => {
    const { serverState, users } = await repos();
    const id = await serverState.get(INSTALLATION_KEY);
    if (id === undefined)
      throw new Error('the database has no installation id: migration 0006 did not run');
    return { id, users: async () => new Set((await users.list()).map((u) => String(u.id))) };
  };
  const workspaces = given(overrides.workspaces, async () =>
    openWorkspaces({
      config,
      clock,
      log,
      containerfile,
      counters,
      installation: await installation(),
    }),
  );
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
    const [{ users, sessions }, { driver }] = await Promise.all([repos(), workspaces.get()]);
    const { idleHours } = config.cleanup;
    return createWorkspaceManagement({
      workspaces: driver,
      users,
      sessions,
      clock,
      idleHours,
    });
  };
  const close = async () => {
    const opened = [
      workspaces.ifOpened()?.then((w) => w.close()),
      database.ifOpened()?.then((d) => d.close()),
    ];
    await Promise.allSettled(opened);
  };
  return {
    database,
    installation,
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

export type Parts = ReturnType<typeof openParts>;
