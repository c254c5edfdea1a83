import { LABEL_MANAGED } from '../naming/workspace-names.js';
import type { WorkspaceStatus } from '../workspaces/driver.js';

export const HOUR_MS = 3_600_000;

export interface PolicyConfig {
  /** A running workspace idle longer than this is removed (CONTAINER_CLEANUP_HOURS). */
  idleHours: number;
  /** A stopped workspace that exited longer ago than this is removed. */
  exitedHours: number;
  /**
   * A running workspace up longer than this is removed whatever its activity
   * (CONTAINER_MAX_AGE_HOURS); absent: no such bound.
   */
  maxAgeHours?: number;
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
  | 'young_without_sessions'
  | 'in_use'
  | 'too_old';

export interface Decision {
  userId: string;
  container: string;
  action: 'keep' | 'remove';
  rule: Rule;
  /** One sentence for the operator, with the times that decided it. */
  reason: string;
}

/** What the policy needs of a session: whose it is, when it was last used, and if it lives. */
export interface SessionActivity {
  userId: string;
  /**
   * Activity is what the server records: attaching or reattaching, input, output while
   * attached, and a heartbeat while any terminal is attached (see HEARTBEAT_MS).
   */
  lastActivityAt: Date;
  /** `active` or `detached`; a dead session's activity still counts, the session does not. */
  live: boolean;
}

export interface PolicyInput {
  workspaces: WorkspaceStatus[];
  /** Sessions of any status (or one per user and liveness: its latest). */
  sessions: readonly SessionActivity[];
  now: Date;
  config: PolicyConfig;
  /** Users whose workspace is being started or attached to right now: never removed. */
  busy?: ReadonlySet<string>;
}

/** How often an attached terminal's session is marked active, so that watching is use. */
export const HEARTBEAT_MS = 5 * 60_000;

interface UserActivity {
  latest?: Date;
  hasLive: boolean;
}

type Judged = Omit<PolicyInput, 'sessions'> & { activity: ReadonlyMap<string, UserActivity> };

function activityByUser(sessions: readonly SessionActivity[]): Map<string, UserActivity> {
  const byUser = new Map<string, UserActivity>();
  for (const { userId, lastActivityAt, live } of sessions) {
    const known = byUser.get(userId) ?? { hasLive: false };
    const latest = !known.latest || lastActivityAt > known.latest ? lastActivityAt : known.latest;
    byUser.set(userId, { latest, hasLive: known.hasLive || live });
  }
  return byUser;
}

const hours = (ms: number) => `${(ms / HOUR_MS).toFixed(1)} h`;
const ago = (now: Date, then: Date) => now.getTime() - then.getTime();

type Verdict = Pick<Decision, 'action' | 'rule' | 'reason'>;
type Judge = (w: WorkspaceStatus, input: Judged) => Verdict | undefined;

function crashed(w: WorkspaceStatus): Verdict | undefined {
  if (w.state !== 'stopped' || !(w.crashed || w.failure)) return undefined;
  const how = w.failure ?? `it exited with code ${w.exitCode ?? 'unknown'}`;
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

/**
 * When a running workspace stops being kept: idle since its user's latest session activity
 * (with no live session: since that or its start, whichever is later), and up since its
 * start when CONTAINER_MAX_AGE_HOURS bounds it.
 */
function deadlines(w: WorkspaceStatus, { config, activity }: Pick<Judged, 'config' | 'activity'>) {
  const user = activity.get(w.userId);
  const started = w.startedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const latest = user?.latest?.getTime() ?? Number.NEGATIVE_INFINITY;
  const idleSince = user?.hasLive ? latest : Math.max(started, latest);
  const maxAge = config.maxAgeHours === undefined ? Infinity : config.maxAgeHours * HOUR_MS;
  return {
    hasLive: user?.hasLive ?? false,
    idleSince,
    idleUntil: idleSince + config.idleHours * HOUR_MS,
    started,
    ageUntil: started + maxAge,
  };
}

function running(w: WorkspaceStatus, input: Judged): Verdict {
  const { now, config } = input;
  const d = deadlines(w, input);
  const t = now.getTime();
  const limit = hours(config.idleHours * HOUR_MS);
  if (t > d.ageUntil)
    return {
      action: 'remove',
      rule: 'too_old',
      reason: `up ${hours(t - d.started)}, more than the maximum age of ${hours((config.maxAgeHours ?? 0) * HOUR_MS)}`,
    };
  const idle = Number.isFinite(d.idleSince) ? hours(t - d.idleSince) : 'since ever';
  const what = d.hasLive ? 'last session activity' : 'no live sessions, idle';
  const verdict = (action: Decision['action'], rule: Rule, word: string): Verdict => ({
    action,
    rule,
    reason: `${what} ${idle}${d.hasLive ? ' ago' : ''}, ${word} ${limit}`,
  });
  if (t > d.idleUntil)
    return verdict('remove', d.hasLive ? 'idle' : 'idle_without_sessions', 'more than');
  return verdict('keep', d.hasLive ? 'active' : 'young_without_sessions', 'within');
}

function busy(w: WorkspaceStatus, { busy }: Judged): Verdict | undefined {
  if (!busy?.has(w.userId)) return undefined;
  return { action: 'keep', rule: 'in_use', reason: 'being started or attached to right now' };
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
const rules: Judge[] = [unmanaged, busy, crashed, stopped];

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
export function decide({ workspaces, sessions, ...rest }: PolicyInput): Decision[] {
  const judged: Judged = { workspaces, ...rest, activity: activityByUser(sessions) };
  return workspaces
    .filter((w) => w.state !== 'absent')
    .map((w) => ({ userId: w.userId, container: w.container, ...verdictFor(w, judged) }));
}

/**
 * For the sessions of `input`, when a kept, running workspace would next be removed if
 * nothing changes (idleness or its maximum age), for a warning to its user; undefined for
 * one that is not ours, not running, or in use right now.
 */
export function removalDue(
  input: Omit<PolicyInput, 'workspaces' | 'now'>,
): (w: WorkspaceStatus) => { at: Date; rule: 'idle' | 'too_old' } | undefined {
  const judged = { config: input.config, activity: activityByUser(input.sessions) };
  return (w) => {
    if (w.state !== 'running' || unmanaged(w) || input.busy?.has(w.userId)) return undefined;
    const d = deadlines(w, judged);
    const at = Math.min(d.idleUntil, d.ageUntil);
    if (!Number.isFinite(at)) return undefined;
    return { at: new Date(at), rule: d.ageUntil <= d.idleUntil ? 'too_old' : 'idle' };
  };
}
