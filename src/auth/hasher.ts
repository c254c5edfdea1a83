import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import argon2 from 'argon2';
import type { Clock } from '../clock/clock.js';
import type { Logger } from '../log/logger.js';
import { authErrors } from './errors.js';
import { HASHING } from './passwords.js';

/** Where password hashes are made and checked. */
export interface PasswordHasher {
  /** A hash of `password` with today's parameters (no password rule: see hashPassword). */
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Ends what the hasher started; idempotent. */
  close(): void;
}

/** Hashing on this process's own threads: for commands, tests, and where no child can run. */
export function createInProcessHasher(): PasswordHasher {
  return {
    hash: (password) => argon2.hash(password, HASHING),
    verify: (hash, password) => argon2.verify(hash, password),
    close() {},
  };
}

/** The child: argon2 (resolved by the parent) and its options as arguments; asked over IPC. */
const CHILD = `
const argon2 = require(process.argv[1]);
const options = JSON.parse(process.argv[2]);
process.on('message', async ({ id, op, hash, password }) => {
  try {
    const value = op === 'hash' ? await argon2.hash(password, options) : await argon2.verify(hash, password);
    process.send({ id, value });
  } catch (error) {
    process.send({ id, error: String((error && error.message) || error) });
  }
});
process.on('disconnect', () => process.exit(0));
`;

type Reply = { id: number; value?: string | boolean; error?: string };

/**
 * The child's whole environment: nothing of the server's (database URL, secrets), and
 * glibc told to keep argon2's memory. Each hash takes `memoryCost` KiB (64 MiB), which
 * glibc otherwise maps afresh and unmaps again every time: 16,000 page faults and 34 ms of
 * kernel time per hash beside 120 ms of hashing, kernel work that `nice` barely holds back
 * and whose unmapping interrupts the other cores. With no mmap and a trim threshold of two
 * hashes' memory, one block is reused: 4 faults and no kernel time per hash, 18-26% less
 * time per hash, at the cost of the child being about 105 MB resident while it lives
 * instead of 41.
 */
const CHILD_ENV = {
  MALLOC_ARENA_MAX: '1',
  MALLOC_MMAP_MAX_: '0',
  MALLOC_TRIM_THRESHOLD_: String(2 * HASHING.memoryCost * 1024),
};

/**
 * Hashing in a child process whose every thread runs at `nice` (19: only when no one else
 * wants the CPU). On two cores the hashes of a login storm took a core from the terminals'
 * path (server, Podman, conmon, tmux) whenever it needed both: echo p99 after the storm's
 * first second was 7.4-8.4 ms against 3.0-4.8 ms with the hashing left out
 * (bench/login-storm.ts). The child starts at the first hash (~105 MB) and ends after
 * `idleMs` without one; one that dies fails the hashes it had and is started again at the
 * next. Where no child can be started (no `nice`), hashing stays in this process.
 */
export function createNicedHasher(deps: {
  clock: Clock;
  log: Logger;
  nice?: number;
  idleMs?: number;
}): PasswordHasher {
  const { clock, log, nice = 19, idleMs = 60_000 } = deps;
  const argon2Path = createRequire(import.meta.url).resolve('argon2');
  const fallback = createInProcessHasher();
  const pending = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  let child: ChildProcess | undefined;
  let unavailable = false;
  let nextId = 1;
  let cancelIdle = () => {};

  function start(): ChildProcess {
    const args = ['-n', String(nice), process.execPath, '-e', CHILD, argon2Path];
    const started = spawn('nice', [...args, JSON.stringify(HASHING)], {
      env: CHILD_ENV,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    started.on('message', (reply: Reply) => answer(reply));
    started.on('error', (error) => {
      if (!started.pid) unavailable = true;
      log.warn({ err: error }, 'password hashing stays in the server: no child process');
      end(started, error.message);
    });
    started.on('exit', (code, signal) => end(started, `exited (${signal ?? code})`));
    log.debug({ pid: started.pid, nice }, 'password hashing child started');
    return started;
  }

  function end(which: ChildProcess, reason: string) {
    if (child !== which) return;
    child = undefined;
    for (const [, waiter] of pending) waiter.reject(authErrors.hashingFailed(reason));
    pending.clear();
  }

  function answer({ id, value, error }: Reply) {
    const waiter = pending.get(id);
    // A late reply to a hash that already failed must not set a second idle timer.
    if (!waiter) return;
    pending.delete(id);
    if (error !== undefined) waiter.reject(authErrors.hashingFailed(error));
    else waiter.resolve(value);
    if (pending.size > 0) return;
    cancelIdle();
    cancelIdle = clock.setTimeout(close, idleMs);
  }

  function ask<T>(message: { op: 'hash' | 'verify'; hash?: string; password: string }) {
    cancelIdle();
    child ??= start();
    const id = nextId++;
    const sent = child;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      sent.send({ id, ...message }, (error) => {
        if (error && pending.delete(id)) reject(authErrors.hashingFailed(error.message));
      });
    });
  }

  /** In the child; in this process once no child can be started (also for the ask that found out). */
  async function either<T>(inChild: () => Promise<T>, here: () => Promise<T>): Promise<T> {
    if (unavailable) return here();
    try {
      return await inChild();
    } catch (error) {
      if (unavailable) return here();
      throw error;
    }
  }

  function close() {
    cancelIdle();
    const ending = child;
    if (ending) end(ending, 'closed');
    ending?.kill();
  }

  return {
    hash: (password) =>
      either(
        () => ask<string>({ op: 'hash', password }),
        () => fallback.hash(password),
      ),
    verify: (hash, password) =>
      either(
        () => ask<boolean>({ op: 'verify', hash, password }),
        () => fallback.verify(hash, password),
      ),
    close,
  };
}
