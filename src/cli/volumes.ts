import type { CommandName } from './arguments.js';
import { bytes, time } from './cells.js';
import type { Handler } from './context.js';
import { cliErrors } from './errors.js';

export const volumeCommands = {
  async 'volumes ls'(ctx) {
    const rows = await (await ctx.management()).volumes({ orphaned: ctx.flags.orphaned });
    if (ctx.flags.json) return ctx.out.json(rows);
    ctx.out.table(
      ['USER', 'NAME', 'VOLUME', 'SIZE', 'CONTAINER', 'LAST ACTIVITY', 'ORPHANED'],
      rows.map((v) => [
        v.userId,
        v.username ?? '',
        v.volume,
        bytes(v.sizeBytes),
        v.container,
        time(v.lastActivityAt),
        v.orphaned ? 'yes' : 'no',
      ]),
    );
  },
  async 'volumes rm'(ctx, { user = '' }) {
    const management = await ctx.management();
    const { userId } = await management.resolve(user);
    const question = `Delete the home volume of ${user} (id ${userId}) and every file in it, for good?`;
    if (!ctx.flags.yes && !(await ctx.confirm(question))) {
      throw cliErrors.notConfirmed();
    }
    const removed = await management.removeVolume(user);
    if (ctx.flags.json) return ctx.out.json(removed);
    ctx.out.line(`${removed.volume}: deleted`);
  },
} satisfies Partial<Record<CommandName, Handler>>;
