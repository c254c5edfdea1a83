import type { NoticeBoard } from '../terminals/notices.js';
import type { ServerControl, StatusMessage } from '../terminals/protocol.js';
import type { RuntimeWatch } from '../terminals/runtime-watch.js';

/** What an attached terminal is told while the runtime does not answer. */
export function notAnswering(why: string): ServerControl {
  return {
    type: 'error',
    code: 'podman.unreachable',
    message: `Podman is not answering (${why}): this terminal shows nothing new until it does. Your shell and its programs keep running.`,
  };
}

/**
 * Tells an attached terminal what changes while it is open: its workspace's removal notice,
 * and whether the runtime its stream goes through answers (when it answers again, the
 * terminal is attached as before). Returns the unsubscribe.
 */
export function followUpdates(
  userId: string,
  deps: { notices: NoticeBoard; runtime?: RuntimeWatch },
  send: (message: ServerControl) => void,
  attached: StatusMessage,
): () => void {
  const stops = [
    deps.notices.subscribe(userId, (notice) => send({ type: 'notice', notice })),
    deps.runtime?.subscribe((state) => send(state.answering ? attached : notAnswering(state.why))),
  ];
  return () => {
    for (const stop of stops) stop?.();
  };
}
