import type { ErrorCode } from './codes.js';

export type { ErrorCode };

export interface AppErrorOptions {
  cause?: unknown;
  /** Facts a caller may act on or show (a variable name, an HTTP status, a container name). */
  details?: Record<string, unknown>;
}

/**
 * The one error type of claude-web. `code` is stable and machine-readable (`domain.reason`);
 * the message is written for the person who will read it. Each folder builds its own in its
 * `errors.ts`; `http` maps codes to statuses and `cli` to exit statuses, each in one place.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
