import type { WebSocket } from 'ws';
import { isAppError } from '../errors/app-error.js';
import type { Terminal } from '../tmux/terminal.js';
import { type OutputFlow, type OutputPipeOptions, pipeOutput } from './output-pipe.js';
import {
  CLOSE,
  type ClientMessage,
  encodeControl,
  ProtocolError,
  parseClientFrame,
  type ServerControl,
} from './protocol.js';

export interface BridgeOptions extends OutputPipeOptions {
  /** Called for each input frame: the caller throttles activity updates. */
  onInput?: () => void;
  /** Socket errors (an oversized frame, a broken connection); the socket closes after. */
  onError?: (error: Error) => void;
  /** Failures that are bugs (not application errors); the socket closes, the process goes on. */
  onInternalError?: (error: unknown) => void;
  /** Attaching failed: the code the browser is told (or `internal`), and the error. */
  onAttachFailed?: (code: string, error: unknown) => void;
  onResizeFailed?: () => void;
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
  options: BridgeOptions,
): Bridge {
  // Output not yet sent goes first: what the socket says stays in the order it happened.
  let flushOutput = () => {};
  const control = (message: ServerControl) => {
    flushOutput();
    if (socket.readyState === socket.OPEN) socket.send(encodeControl(message));
  };
  let deliver: ((message: ClientMessage) => void) | undefined;
  const early: ClientMessage[] = [];
  socket.on('error', (error) => options.onError?.(error));
  socket.on('message', (data, isBinary) => {
    let message: ClientMessage;
    try {
      message = parseClientFrame(
        Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]),
        isBinary,
      );
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return control({ type: 'error', code: error.code, message: error.message });
    }
    if (deliver) deliver(message);
    else if (early.length < MAX_EARLY_MESSAGES) early.push(message);
    else control(tooEarly);
  });
  const flow: OutputFlow = { queued: 0 };
  attaching.then(
    (terminal) => {
      if (socket.readyState !== socket.OPEN) return terminal.close();
      socket.on('close', () => terminal.close());
      flushOutput = pipeOutput(terminal, socket, flow, options);
      terminal.onExit(() => {
        flushOutput();
        socket.close(CLOSE.terminalEnded, 'the terminal ended');
      });
      // Input the terminal cannot take yet (a large paste) holds back the socket's reading,
      // and so the browser, instead of piling up here.
      terminal.onDrain(() => {
        if (socket.isPaused) socket.resume();
      });
      deliver = (message) => {
        try {
          if (!handle(message, terminal, control, options)) socket.pause();
        } catch (error) {
          // A terminal that broke under a write: the socket ends, never the process.
          options.onInternalError?.(error);
          socket.close(CLOSE.internalError, 'internal error');
        }
      };
      for (const message of early.splice(0)) deliver(message);
    },
    (error: unknown) => {
      control(attachFailed(error, options));
      socket.close(CLOSE.terminalEnded, 'the terminal could not be attached');
    },
  );
  return { queuedBytes: () => flow.queued };
}

/** Input that arrives while attaching is kept, up to this many messages; more is refused. */
const MAX_EARLY_MESSAGES = 256;
const tooEarly: ServerControl = {
  type: 'error',
  code: 'protocol.too_early',
  message: `at most ${MAX_EARLY_MESSAGES} messages are kept while the terminal is attached`,
};

/**
 * What the browser is told when attaching fails: an application error says what happened;
 * anything else is a bug, shown as `internal error` with its stack in the log.
 */
function attachFailed(error: unknown, options: BridgeOptions): ServerControl {
  const told: ServerControl = isAppError(error)
    ? { type: 'error', code: error.code, message: error.message }
    : { type: 'error', code: 'internal', message: 'internal error' };
  if (!isAppError(error)) options.onInternalError?.(error);
  options.onAttachFailed?.(told.code, error);
  return told;
}

/** Acts on one message; false when the terminal's input is backing up. */
function handle(
  message: ClientMessage,
  terminal: Terminal,
  control: (m: ServerControl) => void,
  options: BridgeOptions,
): boolean {
  if (message.type === 'input') {
    options.onInput?.();
    return terminal.write(message.data);
  }
  if (message.type === 'resize') {
    terminal.resize(message).catch((error: unknown) => {
      options.onResizeFailed?.();
      control({
        type: 'error',
        code: 'terminal.resize_failed',
        message: String((error as Error).message),
      });
    });
  } else {
    control({ type: 'pong', id: message.id });
  }
  return true;
}
