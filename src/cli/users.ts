import { randomBytes } from 'node:crypto';
import { hashPassword } from '../auth/passwords.js';
import type { Clock } from '../clock/clock.js';
import type { UsersRepository } from '../db/users-repository.js';
import { AppError } from '../errors/app-error.js';
import type { Output } from './output.js';

const USERNAME = /^[a-z][a-z0-9._-]{0,62}$/;

/** `users …` commands. */
export function createUsersCommands({
  users,
  clock,
  out,
}: {
  users: UsersRepository;
  clock: Clock;
  out: Output;
}) {
  return {
    /** Creates a user with a generated password, printed once and stored only as a hash. */
    async add(username: string, admin: boolean, json: boolean) {
      if (!USERNAME.test(username)) {
        throw new AppError(
          'user.invalid_username',
          `usernames are 1-63 lowercase letters, digits, ".", "_" or "-", starting with a letter (got ${JSON.stringify(username)})`,
        );
      }
      const password = randomBytes(18).toString('base64url');
      const user = await users.create({
        username,
        passwordHash: await hashPassword(password),
        isAdmin: admin,
        now: clock.now(),
      });
      if (json) return out.json({ id: user.id, username, isAdmin: admin, password });
      out.line(`created ${admin ? 'administrator' : 'user'} ${username} (id ${user.id})`);
      out.line(`password (shown once, not stored): ${password}`);
    },
  };
}
