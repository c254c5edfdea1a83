/**
 * tmux's control mode (`tmux -C`): commands go in as lines; answers come back between
 * `%begin` and `%end` (or `%error`) lines, and everything else tmux has to say arrives as
 * `%`-notifications between them. A pane's output is passed on as the program wrote it
 * (`%output %PANE DATA`, bytes below 32 and `\` written as three octal digits), so the
 * browser's terminal sees exactly what a plain terminal would.
 */

export type ControlEvent =
  /** `ageMs`: how long tmux held the output before sending it (with pause-after on). */
  | { type: 'output'; pane: string; data: Buffer; ageMs?: number }
  /** A pane's output is being dropped for this client (it fell `pause-after` seconds behind). */
  | { type: 'pause'; pane: string }
  /** The window changed size; `size` is its new WxH. */
  | { type: 'layout'; size: { cols: number; rows: number } }
  /** The client's session changed its current window, or a window its current pane. */
  | { type: 'focus' }
  /** The client is attached to a session (its first, or another one). */
  | { type: 'session' }
  | { type: 'exit'; reason: string };

/** The answer to one command: its output lines, or tmux's error message. */
export type ControlResult = { ok: true; lines: string[] } | { ok: false; error: string };

interface Pending {
  results: ControlResult[];
  expected: number;
  done: (results: ControlResult[]) => void;
}

const BACKSLASH = 0x5c;
const DCS_START = Buffer.from('\x1bP1000p');
const OUTPUT = Buffer.from('%output ');
const EXTENDED = Buffer.from('%extended-output ');

/** `\ooo` escapes back to bytes; everything else (UTF-8 included) is as tmux read it. */
export function unescapeOutput(data: Buffer): Buffer {
  if (!data.includes(BACKSLASH)) return data;
  const out = Buffer.allocUnsafe(data.length);
  let length = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i] as number;
    if (byte === BACKSLASH && isOctal(data, i + 1)) {
      out[length++] = Number.parseInt(data.toString('latin1', i + 1, i + 4), 8);
      i += 3;
    } else out[length++] = byte;
  }
  return out.subarray(0, length);
}

const isOctal = (data: Buffer, at: number) =>
  [0, 1, 2].every((k) => {
    const b = data[at + k];
    return b !== undefined && b >= 48 && b <= 55;
  });

/** Quotes one argument for tmux's command parser: nothing inside is expanded. */
export function quoteArgument(argument: string): string {
  if (argument.includes("'") || /[\r\n]/.test(argument))
    throw new Error(`tmux arguments here never contain quotes or newlines: ${argument}`);
  return `'${argument}'`;
}

/** One line of commands, each a list of arguments, run by tmux one after the other. */
export function commandLine(commands: string[][]): string {
  return commands.map((args) => args.map(quoteArgument).join(' ')).join(' ; ');
}

/**
 * Reads a control client's output and matches answers to the commands sent, in order.
 * Events and `done` callbacks run synchronously, in the order tmux wrote them: what a
 * callback does happens before any later output is delivered.
 */
export function createControlParser(onEvent: (event: ControlEvent) => void) {
  const pending: Pending[] = [];
  let block: { lines: string[]; ours: boolean; id: string } | undefined;
  let rest = Buffer.alloc(0);

  function finish(result: ControlResult) {
    const head = pending[0];
    if (!head) return;
    head.results.push(result);
    if (head.results.length < head.expected) return;
    pending.shift();
    head.done(head.results);
  }

  function line(raw: Buffer) {
    // A terminal in between (tmux -CC) ends lines with CR, and wraps the whole output in
    // a DCS (ESC P 1000 p … ESC \\) meant for terminals that speak control mode.
    let bytes = raw.at(-1) === 0x0d ? raw.subarray(0, -1) : raw;
    if (bytes.subarray(0, DCS_START.length).equals(DCS_START))
      bytes = bytes.subarray(DCS_START.length);
    if (block) {
      const text = bytes.toString('utf8');
      // An answer ends with the numbers it began with: output that merely looks like an
      // end line cannot end it.
      if (text === `%end ${block.id}` || text === `%error ${block.id}`) {
        const { lines, ours } = block;
        block = undefined;
        if (ours)
          finish(
            text.startsWith('%end') ? { ok: true, lines } : { ok: false, error: lines.join('\n') },
          );
      } else block.lines.push(text);
      return;
    }
    notification(bytes);
  }

  function notification(bytes: Buffer) {
    if (bytes.subarray(0, OUTPUT.length).equals(OUTPUT)) {
      const space = bytes.indexOf(0x20, OUTPUT.length);
      const pane = bytes.subarray(OUTPUT.length, space).toString('latin1');
      return onEvent({ type: 'output', pane, data: unescapeOutput(bytes.subarray(space + 1)) });
    }
    // With pause-after on: %extended-output %PANE AGE … : DATA
    if (bytes.subarray(0, EXTENDED.length).equals(EXTENDED)) {
      const space = bytes.indexOf(0x20, EXTENDED.length);
      const pane = bytes.subarray(EXTENDED.length, space).toString('latin1');
      const colon = bytes.indexOf(' : ', space);
      const ageMs = Number.parseInt(bytes.toString('latin1', space + 1, colon), 10);
      const data = unescapeOutput(bytes.subarray(colon + 3));
      return onEvent({ type: 'output', pane, data, ...(ageMs >= 0 ? { ageMs } : {}) });
    }
    const text = bytes.toString('utf8');
    const begin = /^%begin (\d+ \d+ (\d+))$/.exec(text);
    if (begin) block = { lines: [], ours: begin[2] === '1', id: begin[1] as string };
    else if (text.startsWith('%pause ')) onEvent({ type: 'pause', pane: text.slice(7) });
    else if (text.startsWith('%layout-change ')) layout(text);
    else if (text.startsWith('%session-changed ')) onEvent({ type: 'session' });
    else if (/^%(session-window-changed|window-pane-changed) /.test(text))
      onEvent({ type: 'focus' });
    else if (text.startsWith('%exit')) onEvent({ type: 'exit', reason: text.slice(6) });
  }

  function layout(text: string) {
    const size = /^%layout-change @\d+ [0-9a-f]{4},(\d+)x(\d+),/.exec(text);
    if (size) onEvent({ type: 'layout', size: { cols: Number(size[1]), rows: Number(size[2]) } });
  }

  return {
    /** Feeds what the client printed; complete lines are handled at once. */
    push(chunk: Buffer) {
      let data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a)) {
        line(data.subarray(0, nl));
        data = data.subarray(nl + 1);
      }
      rest = Buffer.from(data);
    },
    /** Expects the answers to one line of `count` commands; `done` gets them in order. */
    expect(count: number, done: (results: ControlResult[]) => void) {
      pending.push({ results: [], expected: count, done });
    },
  };
}

export type ControlParser = ReturnType<typeof createControlParser>;
