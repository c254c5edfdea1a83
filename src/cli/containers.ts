import type { WorkspaceStatus } from '../workspaces/driver.js';
import type { ContainerRow } from '../workspaces/management.js';
import type { UpgradeResult } from '../workspaces/upgrade.js';
import { type CommandName, usageError } from './arguments.js';
import { time } from './cells.js';
import type { CliContext, Handler } from './context.js';

function describeState(w: WorkspaceStatus): string {
  return w.crashed ? `${w.state} (crashed)` : w.state;
}

function report({ out, flags }: CliContext, status: WorkspaceStatus) {
  if (flags.json) return out.json(status);
  const kept = status.state === 'absent' ? ' (volume kept)' : '';
  return out.line(`${status.container}: ${describeState(status)}${kept}`);
}

const upgradeText: Record<UpgradeResult['result'], string> = {
  upgraded: 'recreated on the current image (home kept)',
  removed: 'removed; its next start uses the current image (home kept)',
  refused: 'not upgraded',
  failed: 'failed',
};

const byUser = (a: ContainerRow, b: ContainerRow) =>
  a.userId.localeCompare(b.userId, 'en', { numeric: true });

/** `containers …` and `logs`: what an operator does by hand to workspaces. */
export const containerCommands = {
  async 'containers ls'(ctx) {
    const rows = (await (await ctx.management()).containers()).sort(byUser);
    if (ctx.flags.json) return ctx.out.json(rows);
    ctx.out.table(
      [
        'USER',
        'NAME',
        'CONTAINER',
        'STATE',
        'IMAGE',
        'CREATED',
        'STARTED',
        'FINISHED',
        'LAST ACTIVITY',
      ],
      rows.map((w) => [
        w.userId,
        w.username ?? '',
        w.container,
        describeState(w),
        w.image,
        time(w.createdAt),
        time(w.startedAt),
        time(w.finishedAt),
        time(w.lastActivityAt),
      ]),
    );
  },
  async 'containers start'(ctx, { user = '' }) {
    const { userId } = await (await ctx.management()).resolve(user);
    return report(ctx, await (await ctx.workspaces()).ensure(userId));
  },
  async 'containers stop'(ctx, { user = '' }) {
    const { userId } = await (await ctx.management()).resolve(user);
    const workspaces = await ctx.workspaces();
    await workspaces.stop(userId);
    return report(ctx, await workspaces.status(userId));
  },
  async 'containers rm'(ctx, { user = '' }) {
    const removed = await (await ctx.management()).remove(user);
    if (ctx.flags.json) return ctx.out.json(removed);
    ctx.out.line(
      `${removed.container}: removed (volume kept); ${removed.sessionsEnded} session(s) ended`,
    );
  },
  async 'containers prune'(ctx) {
    const results = await (await ctx.management()).prune();
    if (ctx.flags.json) return ctx.out.json(results);
    if (results.length === 0) return ctx.out.line('no stopped workspace containers');
    for (const r of results)
      ctx.out.line(`${r.container}: ${r.removed ? 'removed (volume kept)' : `failed: ${r.error}`}`);
    return results.some((r) => !r.removed) ? 1 : 0;
  },
  async 'containers upgrade'(ctx, { user }) {
    if ((user === undefined) === !ctx.flags.all)
      throw usageError('containers upgrade takes <user> or --all, one of them');
    const results = await (await ctx.management()).upgrade(ctx.flags.all ? undefined : user);
    if (ctx.flags.json) return ctx.out.json(results);
    if (results.length === 0) return ctx.out.line('already on the current image');
    for (const r of results)
      ctx.out.line(`${r.container}: ${upgradeText[r.result]}${r.reason ? `: ${r.reason}` : ''}`);
    return results.some((r) => r.result === 'refused' || r.result === 'failed') ? 1 : 0;
  },
  async logs(ctx, { user = '' }) {
    const text = await (await ctx.management()).logs(user, ctx.flags.tail);
    if (ctx.flags.json) return ctx.out.json({ user, logs: text });
    ctx.out.text(text);
  },
} satisfies Partial<Record<CommandName, Handler>>;
