import type { WebSocket } from 'ws';
import type { Clock } from '../clock/clock.js';
import type { Terminal } from '../tmux/terminal.js';

export interface OutputPipeOptions {
  clock: Clock;
  /** Output bytes queued for the client at which the terminal is paused. */
  highWaterBytes?: number;
  /** Queued bytes at which a paused terminal is resumed. */
  lowWaterBytes?: number;
  /**
   * The shortest time between two output messages (default 4 ms): output that comes
   * sooner after a message waits and goes out with what follows it.
   */
  spacingMs?: number;
  /** Called for each message of output sent to the client. */
  onOutput?: () => void;
  /** The terminal was paused because the browser fell behind. */
  onPaused?: () => void;
}

/** The pipe's state that the bridge reads: output sent and not yet written out. */
export interface OutputFlow {
  queued: number;
}

/**
 * Sends a terminal's output to the socket as binary messages, with flow control; returns
 * a function that sends what is held back at once (before a control message, or when the
 * terminal ends).
 *
 * Output that follows a quiet moment (a keystroke's echo) goes out at once. Output that
 * streams goes out at most one message per `spacingMs`, each holding what came meanwhile:
 * tmux writes one line per read of the pane, about 4 KiB, and a message each cost the
 * socket a frame, with permessage-deflate a compression and a decompression of its own, and
 * the browser a write into its terminal (`cat` of 100 MB: 23,000 messages, and with
 * compression 1.15x the time without; bench/terminals.ts). Editors' terminals hold pty
 * output for about as long (VS Code: 5 ms); it is below a screen's frame.
 */
export function pipeOutput(
  terminal: Terminal,
  socket: WebSocket,
  flow: OutputFlow,
  options: OutputPipeOptions,
): () => void {
  const { clock } = options;
  const high = options.highWaterBytes ?? 1024 * 1024;
  const low = options.lowWaterBytes ?? high / 4;
  const spacingMs = options.spacingMs ?? 4;
  let paused = false;
  let pending: Buffer[] = [];
  // A message being sent (compressed, written): what comes meanwhile waits for the next one.
  let inFlight = false;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let cancelWait: (() => void) | undefined;

  /** Sends what is pending once it may go: at once after a quiet moment, else when due. */
  function schedule() {
    if (pending.length === 0 || inFlight || cancelWait) return;
    const wait = lastSentAt + spacingMs - clock.now().getTime();
    if (wait <= 0) queueMicrotask(flush);
    else
      cancelWait = clock.setTimeout(() => {
        cancelWait = undefined;
        flush();
      }, wait);
  }
  terminal.onData((chunk) => {
    flow.queued += chunk.length;
    if (pending.push(chunk) === 1) schedule();
    if (!paused && flow.queued > high) {
      paused = true;
      options.onPaused?.();
      terminal.pause();
    }
  });
  function sent(bytes: number) {
    inFlight = false;
    flow.queued -= bytes;
    if (paused && flow.queued <= low) {
      paused = false;
      terminal.resume();
    }
    schedule();
  }
  /** Sends what is pending, unless a message is in flight (`now`: send it anyway). */
  function flush(now = false) {
    if (pending.length === 0 || (inFlight && !now)) return;
    cancelWait?.();
    cancelWait = undefined;
    const chunk = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
    pending = [];
    if (socket.readyState !== socket.OPEN) {
      flow.queued -= chunk.length;
      return;
    }
    options.onOutput?.();
    inFlight = true;
    lastSentAt = clock.now().getTime();
    socket.send(chunk, { binary: true }, () => sent(chunk.length));
  }
  return () => flush(true);
}
