import argon2 from 'argon2';
import { authErrors } from './errors.js';

export const MIN_PASSWORD_LENGTH = 12;

/** argon2id with the library's defaults (64 MiB, 3 passes), encoded with its parameters. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) throw authErrors.weakPassword(MIN_PASSWORD_LENGTH);
  return argon2.hash(password, { type: argon2.argon2id });
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password);
}
