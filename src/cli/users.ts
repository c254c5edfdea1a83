import { addUser, disableUser } from '../auth/accounts.js';
import type { CommandName } from './arguments.js';
import { time } from './cells.js';
import type { Handler } from './context.js';

/** `users …` commands. */
export const userCommands = {
  /** Creates a user with a generated password, printed once and stored only as a hash. */
  async 'users add'(ctx, { username = '' }) {
    const isAdmin = ctx.flags.admin;
    const { user, password } = await addUser(await ctx.users(), {
      username,
      isAdmin,
      now: ctx.clock.now(),
    });
    if (ctx.flags.json) return ctx.out.json({ id: user.id, username, isAdmin, password });
    ctx.out.line(`created ${isAdmin ? 'administrator' : 'user'} ${username} (id ${user.id})`);
    ctx.out.line(`password (shown once, not stored): ${password}`);
  },

  async 'users ls'(ctx) {
    const users = await (await ctx.users()).list();
    const rows = users.map(({ passwordHash, ...user }) => ({
      ...user,
      login: passwordHash ? 'password' : 'proxy',
    }));
    if (ctx.flags.json) return ctx.out.json(rows);
    ctx.out.table(
      ['ID', 'USERNAME', 'ADMIN', 'LOGIN', 'CREATED', 'DISABLED'],
      rows.map((u) => [
        String(u.id),
        u.username,
        u.isAdmin ? 'yes' : 'no',
        u.login,
        time(u.createdAt),
        time(u.disabledAt),
      ]),
    );
  },

  /** The user can no longer log in, and every browser of theirs is logged out. */
  async 'users disable'(ctx, { username = '' }) {
    const deps = { users: await ctx.users(), authSessions: await ctx.authSessions() };
    const user = await disableUser(deps, username, ctx.clock.now());
    if (ctx.flags.json) return ctx.out.json({ id: user.id, username, disabledAt: user.disabledAt });
    ctx.out.line(`${username}: disabled since ${time(user.disabledAt)}; logged out everywhere`);
  },
} satisfies Partial<Record<CommandName, Handler>>;
