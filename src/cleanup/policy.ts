import { LABEL_MANAGED } from '../quadlet/names.js';
import type { WorkspaceStatus } from '../workspaces/driver.js';

export const HOUR_MS = 3_600_000;

export interface PolicyConfig {
  /** A running workspace idle longer than this is removed (CONTAINER_CLEANUP_HOURS). */
  idleHours: number;
  /** A stopped workspace that exited longer ago than this is removed. */
  exitedHours: number;
}

export const EXITED_HOURS = 1;

/** Why a workspace is kept or removed; stable codes, for tables and tests. */
export type Rule =
  | 'unmanaged'
  | 'crashed'
  | 'exited_long_ago'
  | 'exited_recently'
  | 'never_exited'
  | 'idle'
  | 'active'
  | 'idle_without_sessions'
  | 'young_without_sessions';

export interface Decision {
  userId: string;
  container: string;
  action: 'keep' | 'remove';
  rule: Rule;
  /** One sentence for the operator, with the times that decided it. */
  reason: string;
}

/** What the policy needs of a session: whose it is and when it was last used. */
export interface SessionActivity {
  userId: string;
  lastActivityAt: Date;
}

export interface PolicyInput {
  workspaces: WorkspaceStatus[];
  /** Sessions of any status (or one per user: its latest); a user without any has none. */
  sessions: readonly SessionActivity[];
  now: Date;
  config: PolicyConfig;
}

type Judged = Omit<PolicyInput, 'sessions'> & { lastActivity: ReadonlyMap<string, Date> };

function latestByUser(sessions: readonly SessionActivity[]): Map<string, Date> {
  const latest = new Map<string, Date>();
  for (const { userId, lastActivityAt } of sessions) {
    const known = latest.get(userId);
    if (!known || lastActivityAt > known) latest.set(userId, lastActivityAt);
  }
  return latest;
}

const hours = (ms: number) => `${(ms / HOUR_MS).toFixed(1)} h`;
const ago = (now: Date, then: Date) => now.getTime() - then.getTime();

type Verdict = Pick<Decision, 'action' | 'rule' | 'reason'>;
type Judge = (w: WorkspaceStatus, input: Judged) => Verdict | undefined;

function crashed(w: WorkspaceStatus): Verdict | undefined {
  if (w.state !== 'stopped' || !(w.crashed || w.unitFailed)) return undefined;
  const how = w.unitFailed ? 'its unit failed' : `it exited with code ${w.exitCode ?? 'unknown'}`;
  return { action: 'remove', rule: 'crashed', reason: `crashed (${how}): removed at once` };
}

function stopped(w: WorkspaceStatus, { now, config }: Judged): Verdict | undefined {
  if (w.state !== 'stopped') return undefined;
  if (!w.finishedAt)
    return { action: 'keep', rule: 'never_exited', reason: 'stopped without an exit time' };
  const since = ago(now, w.finishedAt);
  const limit = config.exitedHours * HOUR_MS;
  return since > limit
    ? {
        action: 'remove',
        rule: 'exited_long_ago',
        reason: `exited ${hours(since)} ago, more than ${hours(limit)}`,
      }
    : {
        action: 'keep',
        rule: 'exited_recently',
        reason: `exited ${hours(since)} ago, within ${hours(limit)}`,
      };
}

function running(w: WorkspaceStatus, { now, config, lastActivity }: Judged): Verdict {
  const limit = config.idleHours * HOUR_MS;
  const activity = lastActivity.get(w.userId);
  if (activity) {
    const idle = ago(now, activity);
    return idle > limit
      ? {
          action: 'remove',
          rule: 'idle',
          reason: `last session activity ${hours(idle)} ago, more than ${hours(limit)}`,
        }
      : {
          action: 'keep',
          rule: 'active',
          reason: `last session activity ${hours(idle)} ago, within ${hours(limit)}`,
        };
  }
  const uptime = w.startedAt ? ago(now, w.startedAt) : 0;
  return uptime > limit
    ? {
        action: 'remove',
        rule: 'idle_without_sessions',
        reason: `no sessions, up ${hours(uptime)}, more than ${hours(limit)}`,
      }
    : {
        action: 'keep',
        rule: 'young_without_sessions',
        reason: `no sessions, up ${hours(uptime)}, within ${hours(limit)}`,
      };
}

function unmanaged(w: WorkspaceStatus): Verdict | undefined {
  if (w.labels?.[LABEL_MANAGED] === 'true') return undefined;
  return {
    action: 'keep',
    rule: 'unmanaged',
    reason: `not labelled ${LABEL_MANAGED}=true: never touched`,
  };
}

/** The rules in the order they apply; the first with a verdict decides. */
const rules: Judge[] = [unmanaged, crashed, stopped];

function verdictFor(w: WorkspaceStatus, input: Judged): Verdict {
  for (const judge of rules) {
    const verdict = judge(w, input);
    if (verdict) return verdict;
  }
  return running(w, input);
}

/**
 * The cleanup policy, without any I/O: for each workspace, keep or remove and why. A time
 * exactly at a limit keeps the workspace; only older is removed. Volumes are not its concern.
 */
export function decide({ workspaces, sessions, now, config }: PolicyInput): Decision[] {
  const judged: Judged = { workspaces, now, config, lastActivity: latestByUser(sessions) };
  return workspaces
    .filter((w) => w.state !== 'absent')
    .map((w) => ({ userId: w.userId, container: w.container, ...verdictFor(w, judged) }));
}
