import type { Clock } from '../clock/clock.js';
import type { UsersRepository } from '../db/users-repository.js';
import { isAppError } from '../errors/app-error.js';
import { addUser } from './accounts.js';

export const FIRST_ADMIN = 'admin';

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
  try {
    const { password } = await addUser(users, {
      username: FIRST_ADMIN,
      isAdmin: true,
      now: clock.now(),
    });
    return { username: FIRST_ADMIN, password };
  } catch (error) {
    if (isAppError(error, 'user.username_taken')) return undefined;
    throw error;
  }
}

/**
 * Creates the first administrator on a fresh installation and shows the password once
 * through `write` (stderr: the log on stdout stays machine-readable and password-free).
 */
export async function announceFirstAdmin(deps: {
  users: UsersRepository;
  clock: Clock;
  write: (text: string) => void;
}): Promise<void> {
  const admin = await createFirstAdmin(deps);
  if (!admin) return;
  deps.write(
    `claude-web: first start: created the administrator "${admin.username}"\n` +
      `claude-web: password (shown once, not stored): ${admin.password}\n`,
  );
}
