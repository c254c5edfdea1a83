import { AppError } from '../errors/app-error.js';

export function invalidSessionName(maxLength: number): AppError {
  return new AppError(
    'session.invalid_name',
    `session names are 1-${maxLength} printable characters`,
  );
}
