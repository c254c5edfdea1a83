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

export function databaseInUse(dataDir: string, pid: number): AppError {
  return new AppError(
    'db.in_use',
    `the embedded database in ${dataDir} is in use by process ${pid} (a running claude-web server?); stop it first, use the admin page, or set DATABASE_URL to a PostgreSQL server, which any number of processes can share`,
    { details: { dataDir, pid } },
  );
}

export const userErrors = {
  notFound: (ref: string | number) =>
    new AppError('user.not_found', `no user ${JSON.stringify(String(ref))}`, { details: { ref } }),
  usernameTaken: (username: string, cause: unknown) =>
    new AppError('user.username_taken', `the username ${JSON.stringify(username)} is taken`, {
      cause,
      details: { username },
    }),
};

export const sessionErrors = {
  notFound: (id: string) =>
    new AppError('session.not_found', `no session ${JSON.stringify(id)}`, { details: { id } }),
  nameTaken: (name: string, cause: unknown) =>
    new AppError('session.name_taken', `a live session is already named ${JSON.stringify(name)}`, {
      cause,
      details: { name },
    }),
  unknownUser: (userId: number, cause: unknown) =>
    new AppError('user.not_found', `no user ${userId}`, { cause, details: { ref: userId } }),
};

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
