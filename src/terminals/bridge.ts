import type { WebSocket } from 'ws';
import {
  CLOSE,
  type ClientMessage,
  encodeControl,
  ProtocolError,
  parseClientFrame,
  type ServerControl,
} from './protocol.js';
import type { Terminal } from './terminal.js';

export interface BridgeOptions {
  /** Output bytes queued for the client at which the terminal is paused. */
  highWaterBytes?: number;
  /** Queued bytes at which a paused terminal is resumed. */
  lowWaterBytes?: number;
  /** Called for each input frame: the caller throttles activity updates. */
  onInput?: () => void;
  /** Socket errors (an oversized frame, a broken connection); the socket closes after. */
  onError?: (error: Error) => void;
}

export interface Bridge {
  /** Output sent to the socket and not yet written out to the network. */
  queuedBytes(): number;
}

/**
 * Joins a browser's WebSocket and a terminal being attached (see protocol.ts). Messages
 * that arrive while attaching are kept and delivered once attached. When the browser falls
 * behind, the terminal is paused instead of buffering without bound; closing the socket
 * detaches the terminal; the terminal ending closes the socket.
 */
export function bridgeTerminal(
  socket: WebSocket,
  attaching: Promise<Terminal>,
  options: BridgeOptions = {},
): Bridge {
  const control = (message: ServerControl) => {
    if (socket.readyState === socket.OPEN) socket.send(encodeControl(message));
  };
  let deliver: ((message: ClientMessage) => void) | undefined;
  const early: ClientMessage[] = [];
  socket.on('error', (error) => options.onError?.(error));
  socket.on('message', (data, isBinary) => {
    try {
      const message = parseClientFrame(
        Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]),
        isBinary,
      );
      if (deliver) deliver(message);
      else early.push(message);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      control({ type: 'error', code: error.code, message: error.message });
    }
  });
  const flow = { queued: 0 };
  attaching.then(
    (terminal) => {
      if (socket.readyState !== socket.OPEN) return terminal.close();
      socket.on('close', () => terminal.close());
      terminal.onExit(() => socket.close(CLOSE.terminalEnded, 'the terminal ended'));
      pipeOutput(terminal, socket, flow, options);
      deliver = (message) => handle(message, terminal, control, options);
      for (const message of early.splice(0)) deliver(message);
    },
    (error: unknown) => {
      control({
        type: 'error',
        code: (error as { code?: string }).code ?? 'terminal.attach_failed',
        message: String((error as Error).message),
      });
      socket.close(CLOSE.terminalEnded, 'the terminal could not be attached');
    },
  );
  return { queuedBytes: () => flow.queued };
}

function pipeOutput(
  terminal: Terminal,
  socket: WebSocket,
  flow: { queued: number },
  options: BridgeOptions,
) {
  const high = options.highWaterBytes ?? 1024 * 1024;
  const low = options.lowWaterBytes ?? high / 4;
  let paused = false;
  terminal.onData((chunk) => {
    if (socket.readyState !== socket.OPEN) return;
    flow.queued += chunk.length;
    socket.send(chunk, { binary: true }, () => {
      flow.queued -= chunk.length;
      if (paused && flow.queued <= low) {
        paused = false;
        terminal.resume();
      }
    });
    if (!paused && flow.queued > high) {
      paused = true;
      terminal.pause();
    }
  });
}

function handle(
  message: ClientMessage,
  terminal: Terminal,
  control: (m: ServerControl) => void,
  options: BridgeOptions,
) {
  if (message.type === 'input') {
    terminal.write(message.data);
    options.onInput?.();
  } else if (message.type === 'resize') {
    terminal.resize(message).catch((error: unknown) =>
      control({
        type: 'error',
        code: 'terminal.resize_failed',
        message: String((error as Error).message),
      }),
    );
  } else {
    control({ type: 'pong', id: message.id });
  }
}
