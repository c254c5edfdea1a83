import type { Clock } from '../clock/clock.js';
import type { SessionsRepository } from '../db/sessions-repository.js';
import type { Logger } from '../log/logger.js';
import type { PodmanClient } from '../podman/client.js';
import type { PodmanEvent } from '../podman/types.js';
import { LABEL_MANAGED, LABEL_USER } from '../quadlet/names.js';

export interface WorkspaceWatcherDeps {
  podman: PodmanClient;
  sessions: SessionsRepository;
  clock: Clock;
  log: Logger;
  /** Waits before following the event stream again after it broke. */
  retryMs?: number;
}

/** The reason written on sessions whose workspace container died. */
export function diedReason(event: PodmanEvent): string {
  const code = event.Actor.Attributes.containerExitCode;
  return code === undefined ? 'workspace stopped' : `workspace stopped (exit code ${code})`;
}

/**
 * Follows Podman's events for claude-web's containers: when a workspace dies, its tmux
 * server and every shell in it are gone, so the user's live sessions become dead at once.
 * Numeric user ids only: they are the users of the database.
 */
export function watchWorkspaces(deps: WorkspaceWatcherDeps): {
  subscribed: Promise<void>;
  stop(): void;
} {
  const abort = new AbortController();
  let cancelRetry = () => {};
  let markSubscribed = () => {};
  const subscribed = new Promise<void>((resolve) => {
    markSubscribed = resolve;
  });

  async function onDied(event: PodmanEvent) {
    if (event.Action !== 'died') return;
    const userId = Number(event.Actor.Attributes[LABEL_USER]);
    if (!Number.isSafeInteger(userId)) return;
    const ended = await deps.sessions.endAllForUser(userId, diedReason(event), deps.clock.now());
    deps.log.info(
      { user: userId, container: event.Actor.Attributes.name, ended },
      'workspace died; its sessions are dead',
    );
  }

  async function follow(): Promise<void> {
    const events = await deps.podman.events({
      filters: { type: ['container'], event: ['died'], label: [`${LABEL_MANAGED}=true`] },
      signal: abort.signal,
    });
    markSubscribed();
    for await (const event of events) {
      await onDied(event).catch((err: unknown) =>
        deps.log.error({ err }, 'sessions of a dead workspace not updated'),
      );
    }
  }

  const loop = () => {
    if (abort.signal.aborted) return;
    follow().then(
      () => retry('the Podman event stream ended'),
      (err: unknown) => retry(`the Podman event stream failed: ${(err as Error).message}`),
    );
  };
  const retry = (why: string) => {
    if (abort.signal.aborted) return;
    deps.log.warn({ retryInMs: deps.retryMs ?? 2_000 }, why);
    cancelRetry = deps.clock.setTimeout(loop, deps.retryMs ?? 2_000);
  };
  loop();
  return {
    /** Resolves once Podman accepted the subscription: later deaths are seen. */
    subscribed,
    stop() {
      abort.abort();
      cancelRetry();
    },
  };
}
