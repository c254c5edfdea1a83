import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { databaseInUse } from './errors.js';

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/PID/stat), or
 * undefined for no such process. With the pid it names one process: after a reboot or a
 * crash, another process may have the same pid.
 */
function startTime(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its ")" do not.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function held(owner: string): number | undefined {
  const [pid, started] = owner.trim().split(' ');
  const n = Number(pid);
  if (!Number.isSafeInteger(n) || n <= 0) return undefined;
  return startTime(n) !== undefined && startTime(n) === started ? n : undefined;
}

/**
 * PGlite is one process's database: a second process writing the same directory would
 * corrupt it. The lock file holds the owner's pid and start time; a lock whose owner is gone
 * (a crash, a reboot) is taken over.
 * Resolves a function that releases the lock.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid} ${startTime('self')}`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = held(readFileSync(path, 'utf8'));
      if (owner !== undefined) throw databaseInUse(dataDir, owner);
      rmSync(path, { force: true });
    }
  }
  throw databaseInUse(dataDir, Number.NaN);
}
