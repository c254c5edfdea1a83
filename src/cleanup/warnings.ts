import type { WorkspaceStatus } from '../workspaces/driver.js';
import { type Decision, type PolicyInput, removalDue } from './policy.js';

/** What a user attached to a workspace is told before cleanup removes it. */
export interface RemovalNotice {
  /** The earliest moment a sweep may remove it. */
  at: Date;
  /** `idle`: any activity cancels it; `too_old`: nothing does (CONTAINER_MAX_AGE_HOURS). */
  rule: 'idle' | 'too_old';
  /** One sentence for the user. */
  message: string;
}

/**
 * Where notices go: the terminals attached to a user's workspace. `undefined` withdraws a
 * notice that no longer holds (the user came back, the limits changed).
 */
export interface RemovalNotifier {
  notify(userId: string, notice: RemovalNotice | undefined): void;
}

function message(due: { at: Date; rule: 'idle' | 'too_old' }, config: PolicyInput['config']) {
  if (due.rule === 'too_old')
    return `This workspace reaches its maximum age of ${config.maxAgeHours} h and will be removed at the next cleanup. Your home directory is kept.`;
  return `This workspace has been idle for almost ${config.idleHours} h and will be removed at the next cleanup unless you use it. Your home directory is kept.`;
}

/**
 * The notice each kept workspace's user should see now (pure). A sweep removes a workspace
 * at the first run after its removal is due; warning at every run for what falls due before
 * the next one gives at least `withinMs` (one cleanup interval) of notice.
 */
export function removalNotices(
  decisions: readonly Decision[],
  statuses: ReadonlyMap<string, WorkspaceStatus>,
  input: Omit<PolicyInput, 'workspaces'>,
  withinMs: number,
): Map<string, RemovalNotice | undefined> {
  const notices = new Map<string, RemovalNotice | undefined>();
  const dueOf = removalDue(input);
  for (const d of decisions) {
    const w = statuses.get(d.container);
    if (d.action !== 'keep' || !w) continue;
    const due = dueOf(w);
    const soon = due && due.at.getTime() - input.now.getTime() < withinMs;
    notices.set(d.userId, soon ? { ...due, message: message(due, input.config) } : undefined);
  }
  return notices;
}
