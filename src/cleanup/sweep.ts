import type { Clock } from '../clock/clock.js';
import type { CleanupRun, CleanupRunsRepository } from '../db/cleanup-runs-repository.js';
import type { Database } from '../db/create-db.js';
import type { SessionsRepository } from '../db/sessions-repository.js';
import type { Logger } from '../log/logger.js';
import type { WorkspaceDriver, WorkspaceStatus } from '../workspaces/driver.js';
import { accountId, endWorkspaceSessions, sessionActivity } from '../workspaces/owners.js';
import type { WorkspaceUsage } from '../workspaces/usage.js';
import { cleanupErrors } from './errors.js';
import { type Decision, decide, type PolicyConfig } from './policy.js';
import { type RemovalNotifier, removalNotices } from './warnings.js';

export type DecisionResult = 'kept' | 'removed' | 'failed' | 'dry_run';

export interface AppliedDecision extends Decision {
  result: DecisionResult;
  error?: string;
}

export interface SweepReport {
  /** Absent for a dry run, which writes nothing anywhere. */
  runId?: number;
  dryRun: boolean;
  startedAt: Date;
  finishedAt: Date;
  outcome: Exclude<CleanupRun['outcome'], 'running'>;
  decisions: AppliedDecision[];
}

export interface SweepDeps {
  workspaces: WorkspaceDriver;
  sessions: SessionsRepository;
  runs: CleanupRunsRepository;
  database: Pick<Database, 'exclusive'>;
  clock: Clock;
  log: Logger;
  config: PolicyConfig;
  /** Workspaces being started or attached to in this process: never removed meanwhile. */
  usage: WorkspaceUsage;
  /**
   * Told, at each run, which attached users' workspaces fall due for removal before the
   * next run (`warnWithinMs` ahead, one cleanup interval), and which no longer do.
   */
  notifier?: RemovalNotifier;
  warnWithinMs?: number;
  /** How many workspaces are removed at once. */
  concurrency?: number;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}

/**
 * The cleanup sweep: lists every workspace once, decides with the pure policy, then removes
 * what the policy says (volume kept, the user's sessions marked dead). A failure on one
 * workspace is logged and recorded, and the sweep goes on. Never two at once, across
 * processes sharing the database.
 */
export function createCleanupSweep(deps: SweepDeps) {
  const { workspaces, sessions, runs, clock, log, config } = deps;

  /**
   * Removes one workspace, unless the policy, asked again with the user's activity as it is
   * now, keeps it (the user came back while the sweep ran), or it is in use right now. The
   * sessions it ends carry the cleanup's reason, also those the event watcher ended first.
   */
  async function apply(decision: Decision, status: WorkspaceStatus): Promise<AppliedDecision> {
    if (decision.action === 'keep') return { ...decision, result: 'kept' };
    const { userId, container } = decision;
    const [again] = decide({
      workspaces: [status],
      sessions: await sessionActivity(sessions, [userId]),
      now: clock.now(),
      config,
      busy: deps.usage.inUse(),
    });
    const usedSince = { ...decision, result: 'kept' as const };
    if (again?.action === 'keep')
      return { ...usedSince, reason: `${decision.reason}; used since: kept` };
    try {
      const since = clock.now();
      const done = await deps.usage.removeUnlessInUse(userId, () => workspaces.remove(userId));
      if (!done.removed) return { ...usedSince, reason: `${decision.reason}; in use now: kept` };
      const why = `workspace removed by cleanup: ${decision.reason}`;
      const ended = await endWorkspaceSessions(sessions, userId, why, clock.now(), { since });
      deps.notifier?.notify(userId, undefined);
      log.info({ container, sessionsEnded: ended }, 'workspace removed');
      return { ...decision, result: 'removed' };
    } catch (error) {
      log.error({ err: error, container }, 'cleanup could not remove');
      return { ...decision, result: 'failed', error: (error as Error).message };
    }
  }

  /** One list call and one query: the policy needs nothing more. */
  async function decideNow(now: Date, dryRun: boolean) {
    const found = await workspaces.list();
    const activity = await sessionActivity(
      sessions,
      found.map((w) => w.userId),
    );
    const input = { sessions: activity, now, config, busy: deps.usage.inUse() };
    const decisions = decide({ workspaces: found, ...input });
    const statuses = new Map(found.map((w) => [w.container, w]));
    if (!dryRun && deps.notifier) {
      const notices = removalNotices(decisions, statuses, input, deps.warnWithinMs ?? 0);
      for (const [userId, notice] of notices) deps.notifier.notify(userId, notice);
    }
    return { decisions, statuses };
  }

  async function handle(
    decision: Decision,
    status: WorkspaceStatus,
    dryRun: boolean,
    run?: CleanupRun,
  ) {
    const done: AppliedDecision = dryRun
      ? { ...decision, result: decision.action === 'keep' ? 'kept' : 'dry_run' }
      : await apply(decision, status);
    const { container, action, reason, result } = done;
    log.info({ container, action, reason, result, dryRun }, 'cleanup decision');
    if (run) await record(run.id, done);
    return done;
  }

  async function sweep(dryRun: boolean, trigger: CleanupRun['trigger']): Promise<SweepReport> {
    const startedAt = clock.now();
    const run = dryRun ? undefined : await runs.start({ trigger, dryRun, now: startedAt });
    try {
      const { decisions, statuses } = await decideNow(startedAt, dryRun);
      const applied: AppliedDecision[] = [];
      await eachLimited(decisions, deps.concurrency ?? 4, async (decision) => {
        const status = statuses.get(decision.container) as WorkspaceStatus;
        applied.push(await handle(decision, status, dryRun, run));
      });
      const outcome = applied.some((d) => d.result === 'failed') ? 'partial' : 'ok';
      return finish(run, { dryRun, startedAt, outcome, decisions: order(applied, decisions) });
    } catch (error) {
      const message = (error as Error).message;
      if (run) await runs.finish(run.id, { outcome: 'failed', error: message, now: clock.now() });
      throw error;
    }
  }

  async function record(runId: number, d: AppliedDecision) {
    await runs.record(runId, {
      containerName: d.container,
      userId: accountId(d.userId) ?? null,
      action: d.action,
      reason: d.reason,
      result: d.result,
      error: d.error ?? null,
      decidedAt: clock.now(),
    });
  }

  async function finish(run: CleanupRun | undefined, report: Omit<SweepReport, 'finishedAt'>) {
    const finishedAt = clock.now();
    if (run) await runs.finish(run.id, { outcome: report.outcome, now: finishedAt });
    log.info(
      {
        runId: run?.id,
        outcome: report.outcome,
        dryRun: report.dryRun,
        decisions: report.decisions.length,
      },
      'cleanup run finished',
    );
    return { ...report, runId: run?.id, finishedAt };
  }

  let running = false;
  return {
    /** One sweep; refused with `cleanup.busy` while another runs, here or elsewhere. */
    async run(
      options: { dryRun?: boolean; trigger?: CleanupRun['trigger'] } = {},
    ): Promise<SweepReport> {
      if (running) throw cleanupErrors.busy();
      running = true;
      try {
        const held = await deps.database.exclusive('claude-web:cleanup', () =>
          sweep(options.dryRun ?? false, options.trigger ?? 'manual'),
        );
        if (!held.locked) throw cleanupErrors.busy();
        return held.value;
      } finally {
        running = false;
      }
    },
  };
}

/** Decisions in the policy's order, whatever order they finished in. */
function order(applied: AppliedDecision[], decisions: Decision[]): AppliedDecision[] {
  const rank = new Map(decisions.map((d, i) => [d.container, i]));
  return applied.sort((a, b) => (rank.get(a.container) ?? 0) - (rank.get(b.container) ?? 0));
}

export type CleanupSweep = ReturnType<typeof createCleanupSweep>;
