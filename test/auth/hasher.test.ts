import { readdirSync, readFileSync } from 'node:fs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createInProcessHasher,
  createNicedHasher,
  type PasswordHasher,
} from '../../src/auth/hasher.js';
import { eventually } from '../support/eventually.js';
import { createFakeClock } from '../support/fake-clock.js';

const PASSWORD = 'correct horse battery';

/** A logger that keeps what it was told, and the pid of each hashing child it started. */
function recordingLog() {
  const lines: { msg: string; pid?: number }[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const children = () =>
    lines.filter((l) => l.msg === 'password hashing child started').map((l) => l.pid ?? 0);
  return { log, lines, children };
}

/** Field `n` (numbered from 1, as in proc(5)) of a /proc stat file. */
function statField(path: string, n: number): number {
  const stat = readFileSync(path, 'utf8');
  // Field 2, the command, is in parentheses and may hold spaces: count from after it.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3]);
}

/**
 * The nice value of every thread of a process (field 19 of /proc/PID/task/TID/stat: on
 * Linux it is each thread's), or undefined once the process is gone.
 */
function niceOf(pid: number): number | undefined {
  try {
    const values = readdirSync(`/proc/${pid}/task`).map((tid) =>
      statField(`/proc/${pid}/task/${tid}/stat`, 19),
    );
    return new Set(values).size === 1 ? values[0] : Number.NaN;
  } catch {
    return undefined;
  }
}

/** Minor page faults of a process so far (field 10 of /proc/PID/stat). */
function minorFaults(pid: number): number {
  return statField(`/proc/${pid}/stat`, 10);
}

const hashers: { kind: string; make: () => PasswordHasher }[] = [
  { kind: 'in process', make: createInProcessHasher },
  {
    kind: 'in a niced child',
    make: () => createNicedHasher({ clock: createFakeClock(), log: recordingLog().log }),
  },
];

describe.each(hashers)('password hashing $kind', ({ make }) => {
  let hasher: PasswordHasher;
  afterEach(() => hasher.close());

  it('makes argon2id hashes of one lane that verify the password and no other', async () => {
    hasher = make();
    const hash = await hasher.hash(PASSWORD);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,p=1,t=3\$/);
    expect(await hasher.verify(hash, PASSWORD)).toBe(true);
    expect(await hasher.verify(hash, 'another password')).toBe(false);
  });

  it('rejects a hash it cannot read, and goes on', async () => {
    hasher = make();
    await expect(hasher.verify('not a hash', PASSWORD)).rejects.toThrow();
    expect(await hasher.verify(await hasher.hash(PASSWORD), PASSWORD)).toBe(true);
  });
});

describe('the niced hashing child', () => {
  let hasher: PasswordHasher | undefined;
  afterEach(() => hasher?.close());

  it("starts at the first hash, every thread at nice 19, with none of the server's environment, and ends after a minute without one", async () => {
    const clock = createFakeClock();
    const { log, children } = recordingLog();
    hasher = createNicedHasher({ clock, log });
    expect(children()).toEqual([]);
    await hasher.hash(PASSWORD);
    const [pid = 0] = children();
    expect(niceOf(pid)).toBe(19);
    // None of the server's environment (database URL, secrets) reaches it: only glibc's
    // memory settings and what Node itself sets for the IPC channel.
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    expect(environ.map((v) => v.split('=')[0]).sort()).toEqual([
      'MALLOC_ARENA_MAX',
      'MALLOC_MMAP_MAX_',
      'MALLOC_TRIM_THRESHOLD_',
      'NODE_CHANNEL_FD',
      'NODE_CHANNEL_SERIALIZATION_MODE',
    ]);
    clock.advance(59_000);
    await hasher.hash(PASSWORD);
    clock.advance(59_000);
    expect(niceOf(pid)).toBe(19);
    clock.advance(1_000);
    await eventually(() => expect(niceOf(pid)).toBeUndefined());
    await hasher.hash(PASSWORD);
    expect(children()).toHaveLength(2);
  });

  it('reuses its memory from one hash to the next instead of mapping 64 MiB each time', async () => {
    const { log, children } = recordingLog();
    hasher = createNicedHasher({ clock: createFakeClock(), log });
    await hasher.hash(PASSWORD);
    const [pid = 0] = children();
    const before = minorFaults(pid);
    for (let i = 0; i < 3; i++) await hasher.hash(PASSWORD);
    // Mapped afresh, each hash faults in its 16,384 pages of 4 KiB.
    expect(minorFaults(pid) - before).toBeLessThan(2_000);
  });

  it('fails the hashes a dying child had with auth.hashing_failed, and starts another', async () => {
    const { log, children } = recordingLog();
    hasher = createNicedHasher({ clock: createFakeClock(), log });
    await hasher.hash(PASSWORD);
    const [pid = 0] = children();
    const inFlight = hasher.hash(PASSWORD);
    process.kill(pid, 'SIGKILL');
    await expect(inFlight).rejects.toMatchObject({ code: 'auth.hashing_failed' });
    const hash = await hasher.hash(PASSWORD);
    expect(await hasher.verify(hash, PASSWORD)).toBe(true);
    expect(children()).toHaveLength(2);
  });
});
