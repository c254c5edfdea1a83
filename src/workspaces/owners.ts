import type { SessionsRepository } from '../db/sessions-repository.js';

/**
 * Workspaces name their user by id as text; the database knows users by number. A workspace
 * whose id is not a number belongs to no claude-web user, and has no sessions.
 */
export function accountId(userId: string): number | undefined {
  const id = Number(userId);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** A user's latest session activity among live or among dead sessions, keyed like workspaces. */
export interface WorkspaceActivity {
  userId: string;
  lastActivityAt: Date;
  live: boolean;
}

/** Each user's latest session activity, among live and among dead sessions. */
export async function sessionActivity(
  sessions: SessionsRepository,
  userIds?: string[],
): Promise<WorkspaceActivity[]> {
  const ids = userIds?.flatMap((u) => accountId(u) ?? []);
  const rows = await sessions.activityByUser(ids);
  return rows.map((r) => ({ ...r, userId: String(r.userId) }));
}

/** Each user's latest session activity (dead sessions too), keyed like workspaces. */
export async function activityByWorkspace(
  sessions: SessionsRepository,
  userIds?: string[],
): Promise<Map<string, Date>> {
  const latest = new Map<string, Date>();
  for (const { userId, lastActivityAt } of await sessionActivity(sessions, userIds)) {
    const known = latest.get(userId);
    if (!known || lastActivityAt > known) latest.set(userId, lastActivityAt);
  }
  return latest;
}

/** Marks the live sessions of a workspace's user dead; resolves how many there were. */
export async function endWorkspaceSessions(
  sessions: SessionsRepository,
  userId: string,
  reason: string,
  now: Date,
  options: { since?: Date } = {},
): Promise<number> {
  const id = accountId(userId);
  return id === undefined ? 0 : sessions.endAllForUser(id, reason, now, options);
}
