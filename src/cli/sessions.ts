import type { CommandName } from './arguments.js';
import { time } from './cells.js';
import type { Handler } from './context.js';

export const sessionCommands = {
  async 'sessions ls'(ctx) {
    const [sessions, users] = await Promise.all([ctx.sessions(), ctx.users()]);
    const names = new Map((await users.list()).map((u) => [u.id, u.username]));
    const rows = await sessions.listAll({ includeDead: ctx.flags.all });
    if (ctx.flags.json) return ctx.out.json(rows);
    ctx.out.table(
      ['ID', 'USER', 'NAME', 'STATUS', 'CREATED', 'LAST ACTIVITY', 'ENDED', 'WHY'],
      rows.map((s) => [
        s.id,
        names.get(s.userId) ?? String(s.userId),
        s.name,
        s.status,
        time(s.createdAt),
        time(s.lastActivityAt),
        time(s.endedAt),
        s.endReason ?? '',
      ]),
    );
  },
} satisfies Partial<Record<CommandName, Handler>>;
