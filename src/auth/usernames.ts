import { AppError } from '../errors/app-error.js';

const USERNAME = /^[a-z][a-z0-9._-]{0,62}$/;

/** Usernames appear in logs, tables and proxy headers: keep them plain. */
export function checkUsername(username: string): string {
  if (!USERNAME.test(username)) {
    throw new AppError(
      'user.invalid_username',
      `usernames are 1-63 lowercase letters, digits, ".", "_" or "-", starting with a letter (got ${JSON.stringify(username)})`,
      { details: { username } },
    );
  }
  return username;
}
