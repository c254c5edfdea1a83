import { authErrors } from './errors.js';

const USERNAME = /^[a-z][a-z0-9._-]{0,62}$/;

/** Usernames appear in logs, tables and proxy headers: keep them plain. */
export function checkUsername(username: string): string {
  if (!USERNAME.test(username)) {
    throw authErrors.invalidUsername(username);
  }
  return username;
}
