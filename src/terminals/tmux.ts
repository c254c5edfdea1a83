import { AppError } from '../errors/app-error.js';

/** tmux session names are session ids: UUIDs, which need no quoting anywhere. */
const SESSION = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function invalidSessionName(name: string): AppError {
  return new AppError('terminal.invalid_session', `${JSON.stringify(name)} is not a session id`, {
    details: { name },
  });
}

/** The tmux session of a session id; throws `terminal.invalid_session` for anything else. */
export function tmuxSessionName(session: string): string {
  if (!SESSION.test(session)) throw invalidSessionName(session);
  return session;
}

/**
 * The command that attaches to the workspace's tmux session `session`, creating it first
 * when needed; the shell inside keeps running with no client attached.
 */
export function tmuxAttachCommand(session: string): string[] {
  return ['tmux', 'new-session', '-A', '-s', tmuxSessionName(session)];
}

/** The command that ends a tmux session and every program in it. */
export function tmuxKillCommand(session: string): string[] {
  return ['tmux', 'kill-session', '-t', tmuxSessionName(session)];
}

/** What an attached tmux client runs as, and in which terminal type. */
export const TERMINAL_USER = 'developer';
export const TERMINAL_ENV = { TERM: 'xterm-256color', LANG: 'C.UTF-8' };
