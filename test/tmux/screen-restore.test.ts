import { describe, expect, it } from 'vitest';
import {
  PANE_STATE_FORMAT,
  parsePaneState,
  restoreSequence,
} from '../../src/tmux/screen-restore.js';

/** A display-message line: defaults for a shell at its prompt, with `changes` applied. */
function stateLine(changes: Record<string, string> = {}): string {
  const names = [...PANE_STATE_FORMAT.matchAll(/#\{(\w+)\}/g)].map((m) => m[1] as string);
  const values: Record<string, string> = {
    pane_id: '%3',
    alternate_on: '0',
    cursor_x: '2',
    cursor_y: '1',
    cursor_flag: '1',
    wrap_flag: '1',
    scroll_region_upper: '0',
    scroll_region_lower: '23',
    history_size: '2',
    pane_width: '80',
    pane_height: '24',
    host: 'ws1',
    pane_title: 'ws1',
    ...changes,
  };
  return names.map((n) => values[n] ?? '0').join('\t');
}

const captures = { history: ['h1', 'h2'], screen: ['$ ls', '$ '], saved: ['$ vim'] };

describe('restoring a pane', () => {
  it('resets, then writes the history and the screen, and puts the cursor back', () => {
    expect(restoreSequence(parsePaneState(stateLine()), captures)).toBe(
      '\x1bch1\r\nh2\r\n$ ls\r\n$ \x1b[0m\x1b[2;3H',
    );
  });

  it('leaves out an empty history (tmux then captures the first line instead)', () => {
    const state = parsePaneState(stateLine({ history_size: '0' }));
    expect(restoreSequence(state, captures)).toBe('\x1bc$ ls\r\n$ \x1b[0m\x1b[2;3H');
  });

  it('puts the alternate screen on top of the saved normal one', () => {
    const state = parsePaneState(stateLine({ alternate_on: '1' }));
    expect(restoreSequence(state, captures)).toBe(
      '\x1bch1\r\nh2\r\n$ vim\x1b[0m\x1b[?1049h\x1b[H\x1b[2J$ ls\r\n$ \x1b[0m\x1b[2;3H',
    );
  });

  it.each([
    ['keypad_cursor_flag', '\x1b[?1h'],
    ['keypad_flag', '\x1b='],
    ['mouse_standard_flag', '\x1b[?1000h'],
    ['mouse_button_flag', '\x1b[?1002h'],
    ['mouse_all_flag', '\x1b[?1003h'],
    ['mouse_sgr_flag', '\x1b[?1006h'],
    ['mouse_utf8_flag', '\x1b[?1005h'],
    ['insert_flag', '\x1b[4h'],
  ])('switches %s back on', (flag, sequence) => {
    const restored = restoreSequence(parsePaneState(stateLine({ [flag]: '1' })), captures);
    expect(restored).toContain(`${sequence}\x1b[2;3H`);
  });

  it('restores a hidden cursor, no autowrap, a scroll region with origin mode', () => {
    const state = parsePaneState(
      stateLine({
        cursor_flag: '0',
        wrap_flag: '0',
        origin_flag: '1',
        scroll_region_upper: '1',
        scroll_region_lower: '9',
        cursor_y: '4',
      }),
    );
    expect(
      restoreSequence(state, captures).endsWith(
        '\x1b[0m\x1b[2;10r\x1b[?6h\x1b[?7l\x1b[4;3H\x1b[?25l',
      ),
    ).toBe(true);
  });

  it('sets a title a program chose, without its control characters, and not the host name', () => {
    const titled = parsePaneState(stateLine({ pane_title: 'build\x07\tx' }));
    expect(titled.title).toBe('buildx');
    expect(restoreSequence(titled, captures).endsWith('\x1b]2;buildx\x07')).toBe(true);
    expect(parsePaneState(stateLine()).title).toBeUndefined();
  });
});
