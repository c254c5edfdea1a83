/**
 * What a freshly attached browser terminal is sent so that it shows what tmux holds for the
 * pane: its history (scrollback), the screen (the program's own alternate screen on top of
 * the normal one when it uses it), the cursor, and the modes programs switch on (mouse
 * reporting, application cursor keys, …). Built from tmux's own captures, which hold text
 * and colours only: no query a program once sent is replayed, so nothing answers into the
 * shell. No I/O here.
 */

/** The tmux formats read for a restore, in the order `parsePaneState` expects them. */
export const PANE_STATE_FORMAT = [
  'pane_id',
  'alternate_on',
  'cursor_x',
  'cursor_y',
  'cursor_flag',
  'keypad_cursor_flag',
  'keypad_flag',
  'mouse_standard_flag',
  'mouse_button_flag',
  'mouse_all_flag',
  'mouse_sgr_flag',
  'mouse_utf8_flag',
  'insert_flag',
  'wrap_flag',
  'origin_flag',
  'scroll_region_upper',
  'scroll_region_lower',
  'history_size',
  'pane_width',
  'pane_height',
  'host',
  // Last: a title may hold anything, the separator included.
  'pane_title',
]
  .map((name) => `#{${name}}`)
  .join('\t');

export interface PaneState {
  paneId: string;
  alternate: boolean;
  cursor: { x: number; y: number; visible: boolean };
  /** DEC private modes and the like to switch on again, as escape sequences. */
  modes: string[];
  scrollRegion: { upper: number; lower: number };
  origin: boolean;
  historySize: number;
  size: { cols: number; rows: number };
  /** The title a program set (OSC 0/2); absent while it is tmux's default, the host name. */
  title?: string;
}

const MODE_SEQUENCES: [index: number, on: string][] = [
  [5, '\x1b[?1h'],
  [6, '\x1b='],
  [7, '\x1b[?1000h'],
  [8, '\x1b[?1002h'],
  [9, '\x1b[?1003h'],
  [10, '\x1b[?1006h'],
  [11, '\x1b[?1005h'],
  [12, '\x1b[4h'],
];

/** Reads the line `display-message -p PANE_STATE_FORMAT` printed. */
export function parsePaneState(line: string): PaneState {
  const fields = line.split('\t');
  const title = fields.slice(21).join('\t');
  const n = (i: number) => Number(fields[i] ?? 0);
  const on = (i: number) => fields[i] === '1';
  const modes = MODE_SEQUENCES.filter(([i]) => on(i)).map(([, sequence]) => sequence);
  if (!on(13)) modes.push('\x1b[?7l');
  return {
    paneId: fields[0] ?? '',
    alternate: on(1),
    cursor: { x: n(2), y: n(3), visible: on(4) },
    modes,
    origin: on(14),
    scrollRegion: { upper: n(15), lower: n(16) },
    historySize: n(17),
    size: { cols: n(18), rows: n(19) },
    // Control characters would end the title sequence early.
    title: title === fields[20] ? undefined : title.replace(/\p{Cc}/gu, ''),
  };
}

export interface PaneCaptures {
  /** `capture-pane -p -e -J -S - -E -1`: the history above the screen (ignored when empty). */
  history: string[];
  /** `capture-pane -p -e -J -S 0 -E -`: the screen as it is (the alternate one when in use). */
  screen: string[];
  /** `capture-pane -p -e -J -a -q`: the normal screen, saved while the alternate one is in use. */
  saved: string[];
}

const lines = (rows: string[]) => rows.join('\r\n');

/** The bytes that bring a reset terminal of the pane's size to the pane's state. */
export function restoreSequence(state: PaneState, captures: PaneCaptures): string {
  const parts = ['\x1bc'];
  if (state.historySize > 0 && captures.history.length > 0)
    parts.push(`${lines(captures.history)}\r\n`);
  if (state.alternate) parts.push(lines(captures.saved), '\x1b[0m\x1b[?1049h\x1b[H\x1b[2J');
  parts.push(lines(captures.screen), '\x1b[0m');
  const { upper, lower } = state.scrollRegion;
  if (upper !== 0 || lower !== state.size.rows - 1) parts.push(`\x1b[${upper + 1};${lower + 1}r`);
  if (state.origin) parts.push('\x1b[?6h');
  parts.push(...state.modes);
  const row = state.origin ? state.cursor.y - upper : state.cursor.y;
  parts.push(`\x1b[${row + 1};${state.cursor.x + 1}H`);
  if (!state.cursor.visible) parts.push('\x1b[?25l');
  if (state.title !== undefined) parts.push(`\x1b]2;${state.title}\x07`);
  return parts.join('');
}
