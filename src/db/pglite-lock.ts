import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { AppError } from '../errors/app-error.js';

export function databaseInUse(dataDir: string, pid: number): AppError {
  return new AppError(
    'db.in_use',
    `the embedded database in ${dataDir} is in use by process ${pid} (a running claude-web server?); stop it first, use the admin page, or set DATABASE_URL to a PostgreSQL server, which any number of processes can share`,
    { details: { dataDir, pid } },
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: a second process writing the same directory would
 * corrupt it. The lock file holds the owner's pid; a lock whose owner is gone is taken over.
 * Resolves a function that releases the lock.
 */
export function lockDataDir(dataDir: string, pid = process.pid): () => void {
  const path = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isSafeInteger(owner) && owner > 0 && alive(owner))
        throw databaseInUse(dataDir, owner);
      rmSync(path, { force: true });
    }
  }
  throw databaseInUse(dataDir, Number.NaN);
}
