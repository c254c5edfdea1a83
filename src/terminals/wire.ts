/**
 * The terminal WebSocket protocol, shared by the server and the page (no Node here).
 *
 * Client → server
 *   binary frame   terminal input, as bytes (at most MAX_INPUT_BYTES)
 *   text frame     a JSON control message (at most MAX_CONTROL_BYTES):
 *                    {"type":"resize","cols":C,"rows":R}   1 ≤ C ≤ 1000, 1 ≤ R ≤ 500, integers
 *                    {"type":"ping","id":N}                the server answers pong with the same id
 * Server → client
 *   binary frame   terminal output, as bytes
 *   text frame     {"type":"pong","id":N} | {"type":"status","state":S,"detail":D}
 *                  | {"type":"error","code":C,"message":M}
 *                  | {"type":"notice","notice":N|null}   the workspace's removal notice, or none
 * A bad message gets an error message and is ignored; the connection stays. Close codes
 * are in CLOSE.
 */
export const MAX_INPUT_BYTES = 64 * 1024;
export const MAX_CONTROL_BYTES = 1024;
export const LIMITS = { cols: { min: 1, max: 1000 }, rows: { min: 1, max: 500 } };

export const CLOSE = {
  /** The terminal ended: the workspace stopped or the tmux client exited. */
  terminalEnded: 4000,
  unauthorized: 4401,
  forbidden: 4403,
  unknownSession: 4404,
  /** The session is dead: its workspace was removed. */
  sessionDead: 4410,
  /** The server is shutting down; reconnect. */
  goingAway: 1001,
  /** A frame that is not valid WebSocket (closed by ws). */
  protocolError: 1002,
  /** A text frame that is not valid UTF-8 (closed by ws). */
  invalidText: 1007,
  tooLarge: 1009,
  /** The server failed unexpectedly on this connection; the process goes on. Reconnect. */
  internalError: 1011,
} as const;

/** The control messages a browser sends, as JSON in text frames. */
export type ClientControl =
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'ping'; id: number };

/**
 * Where the terminal is: `starting` (with progress in `detail`), then `attached`, which
 * also tells the page how often the server pings (it pings back as often, and reconnects
 * when answers stop) and how many lines of history a restore brings.
 */
export interface StatusMessage {
  type: 'status';
  state: 'starting' | 'attached';
  detail?: string;
  keepaliveMs?: number;
  scrollbackLines?: number;
}

/**
 * Cleanup will remove this workspace at the first sweep after `at` (ISO 8601): for
 * idleness (`idle`, which any use cancels) or for its age (`too_old`, which nothing does).
 */
export interface RemovalNotice {
  at: string;
  rule: 'idle' | 'too_old';
  message: string;
}

export type ServerControl =
  | { type: 'pong'; id: number }
  | StatusMessage
  | { type: 'error'; code: string; message: string }
  | { type: 'notice'; notice: RemovalNotice | null };

/**
 * The codes of the `error` messages a bad message gets (it is then ignored). Attaching can
 * also fail with the code of what failed (`podman.unreachable`, …) or `internal`. An
 * attached terminal is told `podman.unreachable` when the runtime stops answering, and
 * `attached` again once it answers.
 */
export const PROTOCOL_ERROR_CODES = [
  'protocol.too_large',
  'protocol.malformed',
  'protocol.unknown_type',
  'protocol.invalid_resize',
  'protocol.too_early',
  'terminal.resize_failed',
] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];
