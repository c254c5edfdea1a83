import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import type { UsersRepository } from '../db/users-repository.js';
import { isAppError } from '../errors/app-error.js';
import { hashPassword } from './passwords.js';

export const FIRST_ADMIN = 'admin';

/** A new password: 18 random bytes, 24 URL-safe characters. */
export const newPassword = () => randomBytes(18).toString('base64url');

/**
 * On a database without any user, creates the administrator `admin` with a new password and
 * returns it, to be shown once; it is stored only as a hash. Otherwise (or when another
 * process won the race) returns undefined.
 */
export async function createFirstAdmin({
  users,
  clock,
}: {
  users: UsersRepository;
  clock: Clock;
}): Promise<{ username: string; password: string } | undefined> {
  if ((await users.list()).length > 0) return undefined;
  const password = newPassword();
  try {
    await users.create({
      username: FIRST_ADMIN,
      passwordHash: await hashPassword(password),
      isAdmin: true,
      now: clock.now(),
    });
  } catch (error) {
    if (isAppError(error, 'user.username_taken')) return undefined;
    throw error;
  }
  return { username: FIRST_ADMIN, password };
}
