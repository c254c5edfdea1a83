import argon2 from 'argon2';
import { authErrors } from './errors.js';

export const MIN_PASSWORD_LENGTH = 12;

/**
 * argon2id, 64 MiB and 3 passes (the library's defaults) in one lane. The library's default
 * of 4 lanes hashes on 4 threads of their own, outside any queue's bound: on two cores one
 * login at a time then took both, and the storm of bench/login-storm.ts raised the
 * terminals' echo p50 from 1 to 3.4 ms; in one lane it stays at 1.0 ms. The work per hash,
 * and so the cost of guessing, is the same.
 */
export const HASHING = {
  type: argon2.argon2id,
  memoryCost: 65_536,
  timeCost: 3,
  parallelism: 1,
} as const;

/** Encoded with its parameters, so that hashes made with other ones still verify. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) throw authErrors.weakPassword(MIN_PASSWORD_LENGTH);
  return argon2.hash(password, HASHING);
}

/** Whether `hash` was made with other parameters (older lanes): rehash at the next login. */
export function isOutdated(hash: string): boolean {
  return argon2.needsRehash(hash, HASHING);
}
