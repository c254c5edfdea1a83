import { LABEL_USER, workspaceNames } from '../naming/workspace-names.js';
import type { ContainerSummary } from '../podman/types.js';
import type { WorkspaceStatus } from './driver.js';

/** How a workspace's init (tini) ends: 0, or 143 when a stop sent SIGTERM. */
const CLEAN_EXITS = new Set([0, 143]);

/** Podman reports "never" as the zero time, a large negative number of seconds. */
function fromUnixSeconds(seconds: number): Date | undefined {
  return seconds > 0 ? new Date(seconds * 1000) : undefined;
}

function validDate(text: string): Date | undefined {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function absentStatus(userId: string): WorkspaceStatus {
  const names = workspaceNames(userId);
  return {
    userId,
    container: names.container,
    volume: names.volume,
    state: 'absent',
    crashed: false,
  };
}

/** A list entry as a workspace status; undefined for a container without our user label. */
export function statusOf(summary: ContainerSummary): WorkspaceStatus | undefined {
  const userId = summary.Labels?.[LABEL_USER];
  if (userId === undefined) return undefined;
  const exited = summary.State !== 'running';
  const exitCode = exited && summary.ExitedAt > 0 ? summary.ExitCode : undefined;
  return {
    ...absentStatus(userId),
    state: summary.State === 'running' ? 'running' : 'stopped',
    containerId: summary.Id,
    imageId: summary.ImageID,
    labels: summary.Labels ?? {},
    createdAt: validDate(summary.Created),
    startedAt: fromUnixSeconds(summary.StartedAt),
    finishedAt: exited ? fromUnixSeconds(summary.ExitedAt) : undefined,
    exitCode,
    crashed: exitCode !== undefined && !CLEAN_EXITS.has(exitCode),
  };
}
