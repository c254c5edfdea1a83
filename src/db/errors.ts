import { AppError } from '../errors/app-error.js';

export function databaseUnreachable(where: string, cause: unknown): AppError {
  const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? String(cause);
  return new AppError('db.unreachable', `cannot reach the database at ${where} (${reason})`, {
    cause,
    details: { where },
  });
}

export function migrationFailed(cause: unknown): AppError {
  return new AppError('db.migration_failed', `database migration failed: ${describe(cause)}`, {
    cause,
  });
}

export function embeddedStartFailed(dataDir: string, cause: unknown): AppError {
  return new AppError(
    'db.start_failed',
    `the embedded database in ${dataDir} did not start: ${describe(cause)}`,
    { cause, details: { dataDir } },
  );
}

/** The SQLSTATE of a failed query, looking through Drizzle's wrapping. */
export function sqlState(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(': ') || String(error);
}
