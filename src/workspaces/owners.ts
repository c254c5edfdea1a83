import type { SessionsRepository } from '../db/sessions-repository.js';

/**
 * Workspaces name their user by id as text; the database knows users by number. A workspace
 * whose id is not a number belongs to no claude-web user, and has no sessions.
 */
export function accountId(userId: string): number | undefined {
  const id = Number(userId);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** Each user's latest session activity (dead sessions too), keyed like workspaces. */
export async function activityByWorkspace(
  sessions: SessionsRepository,
  userIds?: string[],
): Promise<Map<string, Date>> {
  const ids = userIds?.flatMap((u) => accountId(u) ?? []);
  const byUser = await sessions.latestActivityByUser(ids);
  return new Map([...byUser].map(([id, at]) => [String(id), at]));
}

/** Marks the live sessions of a workspace's user dead; resolves how many there were. */
export async function endWorkspaceSessions(
  sessions: SessionsRepository,
  userId: string,
  reason: string,
  now: Date,
): Promise<number> {
  const id = accountId(userId);
  return id === undefined ? 0 : sessions.endAllForUser(id, reason, now);
}
