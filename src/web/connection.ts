import {
  CLOSE,
  type ClientControl,
  type RemovalNotice,
  type ServerControl,
  type StatusMessage,
} from '../terminals/wire.js';

/** Input frames stay well under the server's frame limit (MAX_INPUT_BYTES). */
const INPUT_CHUNK_BYTES = 16 * 1024;
const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 8_000;

export type Lost =
  /** Gone for good: the session ended, or the login did. */
  | { retry: false; why: 'ended' | 'logged-out' }
  /** Coming back by itself. */
  | { retry: true; why: 'restarting' | 'lost' };

export interface ConnectionEvents {
  output(bytes: Uint8Array): void;
  status(message: StatusMessage): void;
  error(message: { code: string; message: string }): void;
  /** Cleanup's removal notice for the workspace, or null when it was withdrawn. */
  notice(notice: RemovalNotice | null): void;
  lost(lost: Lost): void;
}

/**
 * The terminal WebSocket of one session (protocol in terminals/wire.ts): reconnects with
 * backoff until the session ends or the login does, pings as often as the server does and
 * reconnects when answers stop (a connection a proxy or a sleeping laptop broke without a
 * word), and sends input in chunks under the frame limit, in order.
 */
export function openConnection(
  sessionId: string,
  size: () => { cols: number; rows: number },
  events: ConnectionEvents,
  stillExists: () => Promise<boolean>,
) {
  let ws: WebSocket | undefined;
  let delay = FIRST_RETRY_MS;
  let closed = false;
  let keepaliveMs = 30_000;
  let lastHeard = Date.now();
  let pings = 0;
  let keepalive: number | undefined;
  const encoder = new TextEncoder();
  const control = (message: ClientControl) => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };

  const onMessage = (event: MessageEvent) => {
    lastHeard = Date.now();
    if (typeof event.data !== 'string') return events.output(new Uint8Array(event.data));
    const message = JSON.parse(event.data) as ServerControl;
    if (message.type === 'status') {
      if (message.state === 'attached') {
        delay = FIRST_RETRY_MS;
        keepaliveMs = message.keepaliveMs ?? keepaliveMs;
        if (ws) arm(ws);
      }
      events.status(message);
    } else if (message.type === 'error') events.error(message);
    else if (message.type === 'notice') events.notice(message.notice);
  };

  const onClose = async (event: CloseEvent) => {
    window.clearInterval(keepalive);
    if (closed) return;
    if (event.code === CLOSE.unauthorized) return events.lost({ retry: false, why: 'logged-out' });
    if (!(await stillExists().catch(() => true)))
      return events.lost({ retry: false, why: 'ended' });
    events.lost({ retry: true, why: event.code === CLOSE.goingAway ? 'restarting' : 'lost' });
    window.setTimeout(connect, delay);
    delay = Math.min(delay * 2, LONGEST_RETRY_MS);
  };

  function connect() {
    if (closed) return;
    const { cols, rows } = size();
    const base = location.origin.replace(/^http/, 'ws');
    const socket = new WebSocket(
      `${base}/api/sessions/${sessionId}/terminal?cols=${cols}&rows=${rows}`,
    );
    socket.binaryType = 'arraybuffer';
    socket.onmessage = onMessage;
    socket.onclose = onClose;
    ws = socket;
    lastHeard = Date.now();
    arm(socket);
  }

  function arm(socket: WebSocket) {
    window.clearInterval(keepalive);
    keepalive = window.setInterval(() => {
      // Two intervals without a word, a pong included: the connection is dead.
      if (Date.now() - lastHeard > 2 * keepaliveMs) return socket.close();
      control({ type: 'ping', id: ++pings });
    }, keepaliveMs);
  }

  connect();
  return {
    send(data: string) {
      if (ws?.readyState !== WebSocket.OPEN) return;
      const bytes = encoder.encode(data);
      for (let at = 0; at < bytes.length; at += INPUT_CHUNK_BYTES)
        ws.send(bytes.subarray(at, at + INPUT_CHUNK_BYTES));
    },
    resize: (cols: number, rows: number) => control({ type: 'resize', cols, rows }),
    close() {
      closed = true;
      window.clearInterval(keepalive);
      ws?.close();
    },
  };
}

export type Connection = ReturnType<typeof openConnection>;
