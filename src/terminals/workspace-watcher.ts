import type { Clock } from '../clock/clock.js';
import type { SessionsRepository } from '../db/sessions-repository.js';
import type { Logger } from '../log/logger.js';
import { LABEL_MANAGED, LABEL_USER } from '../naming/workspace-names.js';
import type { PodmanClient } from '../podman/client.js';
import type { PodmanEvent } from '../podman/types.js';

export interface WorkspaceWatcherDeps {
  podman: PodmanClient;
  sessions: SessionsRepository;
  clock: Clock;
  log: Logger;
  /** Waits before following the event stream again after it broke. */
  retryMs?: number;
  /**
   * Where the last handled event is kept (its Podman `timeNano`), so that after a break or
   * a restart the stream resumes from it and deaths meanwhile are still seen.
   */
  checkpoint?: { load(): Promise<string | undefined>; save(timeNano: string): Promise<void> };
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
export function diedReason(event: PodmanEvent): string {
  const code = event.Actor.Attributes.containerExitCode;
  return code === undefined ? 'workspace stopped' : `workspace stopped (exit code ${code})`;
}

/**
 * Follows Podman's events for claude-web's containers: when a workspace dies, its tmux
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
    last: undefined as bigint | undefined,
  };
  const loaded = (deps.checkpoint?.load() ?? Promise.resolve(undefined)).then(
    (saved) => {
      if (saved !== undefined && /^\d+$/.test(saved)) state.last = BigInt(saved);
    },
    (err: unknown) => deps.log.warn({ err }, 'event watcher checkpoint not read'),
  );

  const startedAt = BigInt(deps.clock.now().getTime()) * 1_000_000n;

  async function onDied(event: PodmanEvent) {
    if (event.Action !== 'died') return;
    const userId = Number(event.Actor.Attributes[LABEL_USER]);
    if (!Number.isSafeInteger(userId)) return;
    if (BigInt(event.timeNano ?? 0) < startedAt) {
      // Nobody watched these sessions end: they stay, and each one's next attach makes a
      // new shell that says the workspace restarted (see new-shell.ts).
      deps.log.info(
        { user: userId, container: event.Actor.Attributes.name },
        'workspace stopped while the server was away; its sessions get new shells',
      );
      return;
    }
    const ended = await deps.sessions.endAllForUser(userId, diedReason(event), deps.clock.now());
    deps.log.info(
      { user: userId, container: event.Actor.Attributes.name, ended },
      'workspace died; its sessions are dead',
    );
  }

  /** Handles an event once: a resumed stream replays the second it resumed from. */
  async function handle(event: PodmanEvent) {
    const at = BigInt(event.timeNano ?? 0);
    if (state.last !== undefined && at <= state.last) return;
    await onDied(event).catch((err: unknown) =>
      deps.log.error({ err }, 'sessions of a dead workspace not updated'),
    );
    state.last = at;
    await deps.checkpoint
      ?.save(String(at))
      .catch((err: unknown) => deps.log.warn({ err }, 'event watcher checkpoint not kept'));
  }

  async function follow(): Promise<void> {
    await loaded;
    const since = state.last === undefined ? undefined : new Date(Number(state.last / 1_000_000n));
    const events = await deps.podman.events({
      filters: { type: ['container'], event: ['died'], label: [`${LABEL_MANAGED}=true`] },
      since,
      signal: abort.signal,
    });
    state.up = true;
    markSubscribed();
    for await (const event of events) await handle(event);
  }

  const loop = () => {
    if (abort.signal.aborted) return;
    follow().then(
      () => retry('the Podman event stream ended'),
      (err: unknown) => retry(`the Podman event stream failed: ${(err as Error).message}`),
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
    /** Resolves once Podman accepted the subscription: later deaths are seen. */
    subscribed,
    health: () => ({ up: state.up, breaks: state.breaks }),
    async check() {
      const downMs = deps.clock.now().getTime() - state.downSince.getTime();
      if (state.up || downMs < (deps.downAfterMs ?? 60_000)) return;
      throw new Error(
        `the Podman event stream has been down for ${Math.round(downMs / 1000)} s: stopped workspaces are not noticed`,
      );
    },
    stop() {
      abort.abort();
      cancelRetry();
    },
  };
}
