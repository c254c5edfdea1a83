import type { SweepReport } from '../cleanup/sweep.js';
import type { CommandName } from './arguments.js';
import type { CliContext, Handler } from './context.js';

function print({ out }: CliContext, report: SweepReport) {
  out.table(
    ['CONTAINER', 'USER', 'DECISION', 'RESULT', 'REASON'],
    report.decisions.map((d) => [
      d.container,
      d.userId,
      d.action,
      d.error ? `${d.result}: ${d.error}` : d.result,
      d.reason,
    ]),
  );
  const run = report.runId === undefined ? 'dry run, nothing changed' : `run ${report.runId}`;
  const removed = report.decisions.filter((d) => d.result === 'removed').length;
  const planned = report.decisions.filter((d) => d.action === 'remove').length;
  out.line(
    report.dryRun
      ? `${run}: ${planned} of ${report.decisions.length} workspace(s) would be removed`
      : `${run}: ${report.outcome}; ${removed} of ${report.decisions.length} workspace(s) removed`,
  );
}

export const cleanupCommands = {
  async 'cleanup run'(ctx) {
    const report = await (await ctx.sweep()).run({ dryRun: ctx.flags.dryRun, trigger: 'manual' });
    if (ctx.flags.json) ctx.out.json(report);
    else print(ctx, report);
    return report.outcome === 'ok' ? 0 : 1;
  },
} satisfies Partial<Record<CommandName, Handler>>;
