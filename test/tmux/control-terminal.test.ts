import { describe, expect, it } from 'vitest';
import { attachControl, type ControlIo } from '../../src/tmux/control-terminal.js';
import { PANE_STATE_FORMAT } from '../../src/tmux/screen-restore.js';
import { createFakeClock } from '../support/fake-clock.js';

/**
 * The test plays tmux's side of a control client: it reads the command lines the terminal
 * writes and answers them, with notifications in between, in the order tmux would. The real
 * tmux is exercised by the contract and bridge suites; this one places a notification at
 * exact points that real timing reaches only under load.
 */
function scriptedTmux() {
  const written: string[] = [];
  const listeners: { data?: (chunk: Buffer) => void } = {};
  let block = 0;
  const io: ControlIo = {
    write(text) {
      written.push(...text.split('\n').filter((line) => line !== ''));
      return true;
    },
    onDrain: () => {},
    onData: (listener) => {
      listeners.data = listener;
    },
    onClose: () => {},
    pause: () => {},
    resume: () => {},
    end: () => {},
    destroy: () => {},
  };
  const say = (...lines: string[]) =>
    listeners.data?.(Buffer.from(lines.map((l) => `${l}\n`).join('')));
  /** Answers the oldest unanswered command line, one result per command in it. */
  const answer = (...results: string[][]) =>
    say(
      ...results.flatMap((lines) => {
        block++;
        return [`%begin 1 ${block} 1`, ...lines, `%end 1 ${block} 1`];
      }),
    );
  return { io, written, say, answer };
}

/** A shell at its prompt in pane %3, 80x24. */
const paneState = PANE_STATE_FORMAT.replace(
  /#\{(\w+)\}/g,
  (_, name: string) =>
    ({
      pane_id: '%3',
      cursor_flag: '1',
      scroll_region_lower: '23',
      pane_width: '80',
      pane_height: '24',
      host: 'ws',
      pane_title: 'ws',
    })[name] ?? '0',
);
const restoreAnswer = (screen: string) => [[paneState], [], [screen], []];
const isRestore = (line: string) => line.startsWith("'display-message' '-p'");
const continues = (written: string[]) => written.filter((l) => l.includes(':continue'));
const nudges = (written: string[]) =>
  written.filter((l) => l.startsWith("'display-message' '-p' ''"));

const settled = () => new Promise((r) => setImmediate(r));
type ScriptedTmux = ReturnType<typeof scriptedTmux>;

/** Starts attaching; tmux runs its command line and attaches the client to its session. */
async function greeted() {
  const tmux = scriptedTmux();
  const clock = createFakeClock();
  const attaching = attachControl(tmux.io, { size: { cols: 80, rows: 24 }, clock });
  tmux.say('%begin 1 0 0', '%end 1 0 0', '%session-changed $1 s');
  await settled();
  return { tmux, clock, attaching };
}

/** Answers the sizing and the restore; `beforeRestore` runs before the restore's answer. */
async function sizedAndRestored(tmux: ScriptedTmux, beforeRestore = (_: ScriptedTmux) => {}) {
  await settled();
  expect(tmux.written.at(-1)).toContain("'refresh-client' '-C' '80x24'");
  tmux.answer([], [], ['80x24']);
  await settled();
  expect(tmux.written.filter(isRestore)).toHaveLength(1);
  beforeRestore(tmux);
  tmux.answer(...restoreAnswer('first'));
}

/** Attaches, answering tmux's greeting and the sizing. */
async function attached(beforeRestore?: (tmux: ScriptedTmux) => void) {
  const { tmux, clock, attaching } = await greeted();
  await sizedAndRestored(tmux, beforeRestore);
  const terminal = await attaching;
  let output = '';
  terminal.onData((chunk) => {
    output += chunk.toString();
  });
  return { tmux, terminal, clock, output: () => output };
}

describe('a terminal over a tmux control client (scripted tmux)', () => {
  it('sends nothing until tmux has attached it to its session', async () => {
    // tmux reads commands while it still runs its command line; before the session is
    // made and the client attached, they fail ("no current client") or go unanswered.
    const tmux = scriptedTmux();
    const attaching = attachControl(tmux.io, {
      size: { cols: 80, rows: 24 },
      clock: createFakeClock(),
    });
    tmux.say('\x1bP1000p%begin 1 1 0', '%end 1 1 0', '%window-add @1');
    await settled();
    expect(tmux.written).toEqual([]);
    tmux.say('%session-changed $1 s');
    await sizedAndRestored(tmux);
    await attaching;
  });

  it('passes the restored screen, then the pane output', async () => {
    const { tmux, output } = await attached();
    tmux.say('%output %3 live\\015\\012');
    expect(output()).toContain('first');
    expect(output().endsWith('live\r\n')).toBe(true);
  });

  it('continues a pane paused while live, and restores what was dropped', async () => {
    const { tmux, output } = await attached();
    tmux.say('%pause %3');
    expect(continues(tmux.written)).toEqual(["'refresh-client' '-A' '%3:continue'"]);
    expect(tmux.written.filter(isRestore)).toHaveLength(2);
    tmux.answer([]);
    tmux.say('%output %3 in-the-restore');
    tmux.answer(...restoreAnswer('second'));
    tmux.say('%output %3 after');
    expect(output()).not.toContain('in-the-restore');
    expect(output().indexOf('second')).toBeLessThan(output().indexOf('after'));
  });

  it('continues a pane paused while its screen was being restored, and restores again', async () => {
    // The pause comes before the restore's answer, so the captures predate the output
    // dropped until the `continue`: a pane left paused here would show nothing ever again.
    const { tmux, output } = await attached((t) => t.say('%pause %3'));
    expect(continues(tmux.written)).toHaveLength(1);
    expect(tmux.written.filter(isRestore)).toHaveLength(2);
    tmux.say('%output %3 dropped');
    tmux.answer([]);
    tmux.answer(...restoreAnswer('second'));
    tmux.say('%output %3 after');
    expect(output()).not.toContain('dropped');
    expect(output().indexOf('second')).toBeLessThan(output().indexOf('after'));
  });

  it('continues a paused pane it is not showing, without a restore', async () => {
    const { tmux, output } = await attached();
    tmux.say('%pause %9');
    expect(continues(tmux.written)).toEqual(["'refresh-client' '-A' '%9:continue'"]);
    expect(tmux.written.filter(isRestore)).toHaveLength(1);
    tmux.answer([]);
    tmux.say('%output %3 still');
    expect(output()).toContain('still');
  });

  it('asks tmux something once late output stops, so that a pause it holds comes out', async () => {
    // tmux 3.3 may queue a %pause behind output it dropped until it next writes to us.
    const { tmux, clock, output } = await attached();
    tmux.say('%extended-output %3 1500 : late');
    clock.advance(600);
    tmux.say('%extended-output %3 1800 : later');
    clock.advance(600);
    expect(nudges(tmux.written)).toHaveLength(0);
    clock.advance(400);
    expect(nudges(tmux.written)).toHaveLength(1);
    tmux.say('%pause %3');
    tmux.answer(['']);
    expect(continues(tmux.written)).toHaveLength(1);
    tmux.answer([]);
    tmux.answer(...restoreAnswer('second'));
    expect(output()).toContain('second');
    clock.advance(5_000);
    expect(nudges(tmux.written)).toHaveLength(1);
  });

  it('asks nothing after output that was not late', async () => {
    const { tmux, clock } = await attached();
    tmux.say('%extended-output %3 40 : prompt');
    clock.advance(10_000);
    expect(nudges(tmux.written)).toHaveLength(0);
  });
});
