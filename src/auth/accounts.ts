import { randomBytes } from 'node:crypto';
import type { AuthSessionsRepository } from '../db/auth-sessions-repository.js';
import { userErrors } from '../db/errors.js';
import type { User, UsersRepository } from '../db/users-repository.js';
import { hashPassword } from './passwords.js';
import { checkUsername } from './usernames.js';

/** A new password: 18 random bytes, 24 URL-safe characters. */
export const newPassword = () => randomBytes(18).toString('base64url');

/**
 * Creates a user with a generated password, returned to be shown once: only its hash is
 * stored. Throws `user.invalid_username` or `user.username_taken`.
 */
export async function addUser(
  users: UsersRepository,
  input: { username: string; isAdmin: boolean; now: Date },
): Promise<{ user: User; password: string }> {
  checkUsername(input.username);
  const password = newPassword();
  const user = await users.create({ ...input, passwordHash: await hashPassword(password) });
  return { user, password };
}

/** The user can no longer log in, and every browser of theirs is logged out. */
export async function disableUser(
  deps: { users: UsersRepository; authSessions: AuthSessionsRepository },
  username: string,
  now: Date,
): Promise<User> {
  const user = await deps.users.findByUsername(username);
  if (!user) throw userErrors.notFound(username);
  const disabled = user.disabledAt ? user : await deps.users.disable(user.id, now);
  await deps.authSessions.deleteForUser(user.id);
  return disabled;
}
