import { newPassword } from '../auth/first-admin.js';
import { hashPassword } from '../auth/passwords.js';
import { checkUsername } from '../auth/usernames.js';
import type { Clock } from '../clock/clock.js';
import type { UsersRepository } from '../db/users-repository.js';
import type { Output } from './output.js';

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
      checkUsername(username);
      const password = newPassword();
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
