import type { Clock } from '../clock/clock.js';
import { controlErrors } from './errors.js';
import { LATE_OUTPUT_MS, nudgeWhenQuiet } from './late-output.js';
import {
  PANE_STATE_FORMAT,
  type PaneState,
  parsePaneState,
  restoreSequence,
} from './screen-restore.js';
import type { Terminal, TerminalSize } from './terminal.js';
import {
  type ControlEvent,
  type ControlResult,
  commandLine,
  createControlParser,
} from './tmux-control.js';

/**
 * The byte channel to a tmux control client running in a workspace (its stdin and stdout),
 * as an attach driver provides it.
 */
export interface ControlIo {
  /** Sends to the client's input; false once its buffer is full (wait for `onDrain`). */
  write(text: string): boolean;
  onDrain(listener: () => void): void;
  onData(listener: (chunk: Buffer) => void): void;
  /** The channel closed: the client exited or the connection to it broke. */
  onClose(listener: () => void): void;
  pause(): void;
  resume(): void;
  /** Ends the client's input. */
  end(): void;
  /** Breaks the channel at once. */
  destroy(): void;
}

/** Input bytes per `send-keys` command: its line stays well under a terminal's 4 KiB. */
const KEYS_PER_COMMAND = 1024;
/** How long tmux may take to give the window the size asked for before the restore. */
const RESIZE_WAIT_MS = 2_000;
/** How long tmux may take to answer everything attaching asks. */
const ATTACH_WAIT_MS = 30_000;
/** How much of what tmux said while attaching a stalled attach reports. */
const HEARD_KEPT = 600;
/** How long a closing client gets to detach before its channel is broken. */
const DETACH_WAIT_MS = 2_000;
/** tmux drops a pane's output for a client this many seconds behind, instead of buffering. */
const PAUSE_AFTER_SECONDS = 5;

const restoreCommands = [
  ['display-message', '-p', PANE_STATE_FORMAT],
  ['capture-pane', '-p', '-e', '-J', '-S', '-', '-E', '-1'],
  ['capture-pane', '-p', '-e', '-J', '-S', '0', '-E', '-'],
  ['capture-pane', '-p', '-e', '-J', '-a', '-q'],
];

/**
 * A Terminal over a tmux control client: the browser is first sent the pane's history and
 * screen, then the pane's output exactly as the program wrote it. Input goes in as
 * `send-keys -H` (bytes unchanged), sizes as `refresh-client -C`. When the reader falls
 * behind, tmux drops the pane's output for it (pause-after) and the screen is restored
 * again once it catches up. Closing detaches the client (an empty line), so no client stays.
 */
export async function attachControl(
  io: ControlIo,
  { size, clock }: { size: TerminalSize; clock: Clock },
): Promise<Terminal> {
  const data: ((chunk: Buffer) => void)[] = [];
  const early: Buffer[] = [];
  const emit = (chunk: Buffer) => {
    if (data.length === 0) early.push(chunk);
    for (const listener of data) listener(chunk);
  };
  let pane: string | undefined;
  let live = false;
  /** Restores asked for and not yet answered; output is passed on only when none is. */
  let restoring = 0;
  let layoutSeen: (cols: number, rows: number) => void = () => {};

  const parser = createControlParser((event: ControlEvent) => {
    if (event.type === 'output') {
      if ((event.ageMs ?? 0) >= LATE_OUTPUT_MS) nudge.late();
      if (live && event.pane === pane) emit(event.data);
    } else if (event.type === 'layout') layoutSeen(event.size.cols, event.size.rows);
    else if (event.type === 'exit') live = false;
    else if (event.type === 'session') inSession();
    else if (live && event.type === 'focus') resync();
    else if (event.type === 'pause') paused(event.pane);
  });
  // Nothing is sent before tmux has attached this client to its session: commands it reads
  // before that (while it still runs its command line) fail with "no current client", or
  // go unanswered (seen under load: the sizing, never answered).
  let attachedToSession = () => {};
  const inSessionNow = new Promise<void>((resolve) => {
    attachedToSession = resolve;
  });
  const inSession = () => {
    attachedToSession();
    if (live) resync();
  };
  /** The end of what tmux said while attaching: the log's clue when attaching stalls. */
  let said = '';
  io.onData((chunk) => {
    if (!live) said = (said + chunk.toString('latin1')).slice(-HEARD_KEPT);
    parser.push(chunk);
  });

  const send = (commands: string[][]) =>
    new Promise<ControlResult[]>((resolve) => {
      parser.expect(commands.length, resolve);
      io.write(`${commandLine(commands)}\n`);
    });
  const checked = async (what: string, commands: string[][]) => {
    const results = await send(commands);
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) throw controlErrors.failed(what, failed.error);
    return results.map((r) => (r.ok ? r.lines : []));
  };

  /** Restores the screen; output after it is passed on, output before it is in it. */
  function restore(): Promise<PaneState> {
    restoring++;
    live = false;
    return new Promise((resolve, reject) => {
      parser.expect(restoreCommands.length, (results) => {
        restoring--;
        const [state, history, screen, saved] = results.map((r) => (r.ok ? r.lines : []));
        const failed = results.slice(0, 3).find((r) => !r.ok);
        if (failed && !failed.ok)
          return reject(controlErrors.failed('read the pane', failed.error));
        const parsed = parsePaneState(state?.[0] ?? '');
        pane = parsed.paneId;
        emit(
          Buffer.from(
            restoreSequence(parsed, {
              history: history ?? [],
              screen: screen ?? [],
              saved: saved ?? [],
            }),
          ),
        );
        live = restoring === 0;
        resolve(parsed);
      });
      io.write(`${commandLine(restoreCommands)}\n`);
    });
  }

  const nudge = nudgeWhenQuiet(clock, () => void send([['display-message', '-p', '']]));

  /** The pane changed under us (another window, dropped output): show it afresh. */
  function resync() {
    restore().catch(() => io.destroy());
  }

  /**
   * tmux dropped a pane's output for this client. Every pause is answered at once, whatever
   * is in flight: a pane left paused never shows output again. A restore already asked for
   * may predate what was dropped since, so another one follows the `continue` (before the
   * first restore knows the pane, any pause may be of it).
   */
  function paused(target: string) {
    void send([['refresh-client', '-A', `${target}:continue`]]);
    if (target === pane || (pane === undefined && restoring > 0)) resync();
  }

  /** Asks for the size and waits until the window has it (tmux resizes after answering). */
  async function sized(cols: number, rows: number) {
    const settled = new Promise<void>((resolve) => {
      const cancel = clock.setTimeout(resolve, RESIZE_WAIT_MS);
      layoutSeen = (c, r) => {
        if (c === cols && r === rows) {
          cancel();
          resolve();
        }
      };
    });
    const [, , answer] = await checked('resize', [
      ['refresh-client', '-C', `${cols}x${rows}`],
      ['refresh-client', '-f', `pause-after=${PAUSE_AFTER_SECONDS}`],
      ['display-message', '-p', '#{window_width}x#{window_height}'],
    ]);
    if (answer?.[0] !== `${cols}x${rows}`) await settled;
    layoutSeen = () => {};
  }

  let closed = false;
  let attached = () => {};
  const exits: (() => void)[] = [];
  io.onClose(() => {
    closed = true;
    nudge.cancel();
    for (const listener of exits.splice(0)) listener();
  });
  const ended = new Promise<never>((_, reject) => exits.push(() => reject(controlErrors.closed())));

  let stage = 'session';
  const tooSlow = new Promise<never>((_, reject) => {
    const cancel = clock.setTimeout(() => {
      io.destroy();
      reject(controlErrors.stalled(`no answer within ${ATTACH_WAIT_MS / 1000} s (${stage})`, said));
    }, ATTACH_WAIT_MS);
    exits.push(cancel);
    attached = cancel;
  });
  await Promise.race([
    inSessionNow
      .then(() => {
        stage = 'size';
        return sized(size.cols, size.rows);
      })
      .then(() => {
        stage = 'restore';
        return restore();
      }),
    ended,
    tooSlow,
  ]);
  attached();

  return {
    onData(listener) {
      data.push(listener);
      for (const chunk of early.splice(0)) listener(chunk);
    },
    onExit(listener) {
      if (closed) listener();
      else exits.push(listener);
    },
    write(input) {
      if (closed) return true;
      const bytes = typeof input === 'string' ? Buffer.from(input) : input;
      let ok = true;
      for (let at = 0; at < bytes.length; at += KEYS_PER_COMMAND) {
        const hex = bytes
          .subarray(at, at + KEYS_PER_COMMAND)
          .toString('hex')
          .replace(/(..)(?!$)/g, '$1 ');
        parser.expect(1, () => {});
        ok = io.write(`send-keys -H ${hex}\n`);
      }
      return ok;
    },
    onDrain: (listener) => io.onDrain(listener),
    async resize({ cols, rows }) {
      await checked('resize', [['refresh-client', '-C', `${cols}x${rows}`]]);
    },
    pause: () => io.pause(),
    resume: () => io.resume(),
    close() {
      if (closed) return;
      // An empty line detaches a control client; the end of its input does too.
      io.write('\n');
      io.end();
      const cancel = clock.setTimeout(() => io.destroy(), DETACH_WAIT_MS);
      exits.push(cancel);
    },
  };
}
