import type { Clock } from '../clock/clock.js';
import type { SessionsRepository } from '../db/sessions-repository.js';
import type { Logger } from '../log/logger.js';
import type { WorkspaceDeath, WorkspaceDriver } from '../workspaces/driver.js';

export interface WorkspaceWatcherDeps {
  workspaces: Pick<WorkspaceDriver, 'deaths'>;
  sessions: SessionsRepository;
  clock: Clock;
  log: Logger;
  /** Waits before following the event stream again after it broke. */
  retryMs?: number;
  /**
   * Where the last handled death is kept (its cursor), so that after a break or a restart
   * the watch resumes from it and deaths meanwhile are still seen.
   */
  checkpoint?: { load(): Promise<string | undefined>; save(cursor: string): Promise<void> };
  /** Readiness fails once the stream has been down this long. */
  downAfterMs?: number;
}

export interface WatcherHealth {
  /** Whether the stream is followed right now. */
  up: boolean;
  /** Times the stream broke since the start. */
  breaks: number;
}

/** The reason written on sessions whose workspace container died. */
export function diedReason(death: Pick<WorkspaceDeath, 'exitCode'>): string {
  const code = death.exitCode;
  return code === undefined ? 'workspace stopped' : `workspace stopped (exit code ${code})`;
}

/**
 * Follows the deaths of claude-web's workspaces: when one dies, its tmux
 * server and every shell in it are gone, so the user's live sessions become dead at once.
 * Deaths from before the watcher started (replayed from the checkpoint) end nothing: those
 * sessions get a new shell, and say so, when next attached. Numeric user ids only: they
 * are the users of the database.
 */
export function watchWorkspaces(deps: WorkspaceWatcherDeps): {
  subscribed: Promise<void>;
  health(): WatcherHealth;
  /** Rejects when the stream has been down longer than `downAfterMs`. */
  check(): Promise<void>;
  stop(): void;
} {
  const abort = new AbortController();
  let cancelRetry = () => {};
  let markSubscribed = () => {};
  const subscribed = new Promise<void>((resolve) => {
    markSubscribed = resolve;
  });
  const state = {
    up: false,
    breaks: 0,
    downSince: deps.clock.now(),
    last: undefined as string | undefined,
  };
  const loaded = (deps.checkpoint?.load() ?? Promise.resolve(undefined)).then(
    (saved) => {
      state.last = saved;
    },
    (err: unknown) => deps.log.warn({ err }, 'event watcher checkpoint not read'),
  );

  const startedAt = deps.clock.now();

  async function onDied(death: WorkspaceDeath) {
    const userId = Number(death.userId);
    if (!/^\d+$/.test(death.userId) || !Number.isSafeInteger(userId)) return;
    if (death.at < startedAt) {
      // Nobody watched these sessions end: they stay, and each one's next attach makes a
      // new shell that says the workspace restarted (see new-shell.ts).
      deps.log.info(
        { user: userId, container: death.container },
        'workspace stopped while the server was away; its sessions get new shells',
      );
      return;
    }
    const ended = await deps.sessions.endAllForUser(userId, diedReason(death), deps.clock.now());
    deps.log.info(
      { user: userId, container: death.container, ended },
      'workspace died; its sessions are dead',
    );
  }

  async function handle(death: WorkspaceDeath) {
    await onDied(death).catch((err: unknown) =>
      deps.log.error({ err }, 'sessions of a dead workspace not updated'),
    );
    state.last = death.cursor;
    await deps.checkpoint
      ?.save(death.cursor)
      .catch((err: unknown) => deps.log.warn({ err }, 'event watcher checkpoint not kept'));
  }

  async function follow(): Promise<void> {
    await loaded;
    const deaths = await deps.workspaces.deaths({ after: state.last, signal: abort.signal });
    state.up = true;
    markSubscribed();
    for await (const death of deaths) await handle(death);
  }

  const loop = () => {
    if (abort.signal.aborted) return;
    follow().then(
      () => retry('the watch of workspace deaths ended'),
      (err: unknown) => retry(`the watch of workspace deaths failed: ${(err as Error).message}`),
    );
  };
  const retry = (why: string) => {
    if (state.up) {
      state.up = false;
      state.breaks++;
      state.downSince = deps.clock.now();
    }
    if (abort.signal.aborted) return;
    deps.log.warn({ retryInMs: deps.retryMs ?? 2_000 }, why);
    cancelRetry = deps.clock.setTimeout(loop, deps.retryMs ?? 2_000);
  };
  loop();
  return {
    /** Resolves once the runtime accepted the watch: later deaths are seen. */
    subscribed,
    health: () => ({ up: state.up, breaks: state.breaks }),
    async check() {
      const downMs = deps.clock.now().getTime() - state.downSince.getTime();
      if (state.up || downMs < (deps.downAfterMs ?? 60_000)) return;
      throw new Error(
        `the watch of workspace deaths has been down for ${Math.round(downMs / 1000)} s: stopped workspaces are not noticed`,
      );
    },
    stop() {
      abort.abort();
      cancelRetry();
    },
  };
}
