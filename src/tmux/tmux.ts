import { invalidSessionId } from './errors.js';

/** tmux session names are session ids: UUIDs, which need no quoting anywhere. */
const SESSION = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The tmux session of a session id; throws `terminal.invalid_session` for anything else. */
export function tmuxSessionName(session: string): string {
  if (!SESSION.test(session)) throw invalidSessionId(session);
  return session;
}

/**
 * claude-web's own tmux server in each workspace, on a socket of its own: a user who runs
 * `tmux` inside a session gets the ordinary tmux, with their own configuration.
 */
export const TMUX_SOCKET = 'claude-web';
const TMUX = ['tmux', '-L', TMUX_SOCKET];

/**
 * claude-web's tmux configuration, applied on every attach instead of any file (`-f
 * /dev/null`). Browsers attach in control mode, so tmux draws nothing itself (no status
 * bar) and keys reach programs as typed (no prefix key); what is left is the pane's world.
 */
export function tmuxOptions(scrollbackLines: number): [option: string, value: string][] {
  return [
    // The history a browser gets back on every attach, and that scrolls like a terminal's.
    ['history-limit', String(scrollbackLines)],
    ['default-terminal', 'tmux-256color'],
    // A tmux run by hand with this socket draws no status bar and takes no key.
    ['status', 'off'],
    ['prefix', 'None'],
    ['prefix2', 'None'],
    ['escape-time', '0'],
    // Several browsers on one session: the window takes the size of the latest one.
    ['window-size', 'latest'],
    // Programs may set the clipboard (OSC 52), learn about focus, use extended keys and
    // hyperlinks; their sequences reach the browser's terminal unchanged.
    ['set-clipboard', 'on'],
    ['focus-events', 'on'],
    ['extended-keys', 'on'],
    ['allow-passthrough', 'on'],
    // Shells see no $TMUX: a user's own `tmux` starts as usual (no nesting warning), and
    // programs send their sequences plainly instead of wrapped for a tmux that would unwrap
    // them (the browser gets them as written).
    ['default-command', shellCommand()],
  ];
}

/** The command of a new shell: a login shell, with `banner` above its first prompt. */
function shellCommand(banner?: string): string {
  if (banner !== undefined && /['\\\p{Cc}]/u.test(banner))
    throw new Error(`a banner holds no quotes, backslashes or control characters: ${banner}`);
  const print = banner === undefined ? '' : `printf '\\033[2m%s\\033[0m\\n\\n' '${banner}'; `;
  return `unset TMUX TMUX_PANE; ${print}exec "$SHELL" -l`;
}

export interface ControlCommandOptions {
  session: string;
  size: { cols: number; rows: number };
  scrollbackLines: number;
  /** `-CC` where a terminal sits between tmux and the reader (it turns echo off). */
  flag: '-C' | '-CC';
  /** Printed above the first prompt when the session is missing and tmux makes it. */
  banner?: string;
}

/**
 * The command that attaches a control-mode client to the workspace's tmux session, creating
 * it (and the server) first when needed; the shell inside keeps running with no client.
 * The client detaches on an empty line or at the end of its input.
 */
export function tmuxControlCommand(o: ControlCommandOptions): string[] {
  // -q: a tmux that does not know an option (an older image) goes on without it.
  const settings = tmuxOptions(o.scrollbackLines).flatMap(([option, value]) => [
    'set-option',
    '-gq',
    option,
    value,
    ';',
  ]);
  return [
    ...TMUX,
    '-f',
    '/dev/null',
    o.flag,
    ...settings,
    ...['set-environment', '-g', 'COLORTERM', 'truecolor', ';'],
    ...['new-session', '-A', '-s', tmuxSessionName(o.session)],
    ...['-x', String(o.size.cols), '-y', String(o.size.rows)],
    // Run only when the session is made: attaching to one that exists ignores it.
    ...(o.banner === undefined ? [] : [shellCommand(o.banner)]),
  ];
}

/** The command that ends a tmux session and every program in it. */
export function tmuxKillCommand(session: string): string[] {
  return [...TMUX, 'kill-session', '-t', `=${tmuxSessionName(session)}`];
}

/** The command that lists what runs in the foreground of every pane of every session. */
export const TMUX_PANE_COMMANDS = [...TMUX, 'list-panes', '-a', '-F', '#{pane_current_command}'];

/** The command that lists the clients attached to a session (one line each). */
export function tmuxClientsCommand(session: string): string[] {
  return [...TMUX, 'list-clients', '-t', `=${tmuxSessionName(session)}`];
}

/** What an attached tmux client runs as, and its locale (tmux needs UTF-8 to pass it on). */
export const TERMINAL_USER = 'developer';
export const TERMINAL_ENV = { LANG: 'C.UTF-8', TERM: 'tmux-256color' };
