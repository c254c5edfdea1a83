import { AppError } from '../errors/app-error.js';

export const controlErrors = {
  failed: (what: string, why: string) =>
    new AppError('terminal.attach_failed', `tmux could not ${what}: ${why}`),
  stalled: (why: string, heard: string) =>
    new AppError('terminal.attach_failed', `tmux could not attach: ${why}`, {
      details: { heard },
    }),
  closed: () =>
    new AppError('terminal.attach_failed', 'the terminal ended while it was being attached'),
};

export function invalidSessionId(name: string): AppError {
  return new AppError('terminal.invalid_session', `${JSON.stringify(name)} is not a session id`, {
    details: { name },
  });
}
