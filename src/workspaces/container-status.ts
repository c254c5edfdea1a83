import {
  LABEL_INSTALLATION,
  LABEL_USER,
  type WorkspaceNames,
  workspaceNames,
} from '../naming/workspace-names.js';
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

export function absentStatus(names: WorkspaceNames): WorkspaceStatus {
  const { userId } = names;
  return {
    userId,
    container: names.container,
    volume: names.volume,
    state: 'absent',
    crashed: false,
  };
}

/** The names of an installation's own workspace; plain ones for a label no name can hold. */
function ownNames(userId: string, installation: string, plain: WorkspaceNames): WorkspaceNames {
  try {
    return workspaceNames(userId, installation);
  } catch {
    return plain;
  }
}

/** A list entry as a workspace status; undefined for a container without our user label. */
export function statusOf(summary: ContainerSummary): WorkspaceStatus | undefined {
  const userId = summary.Labels?.[LABEL_USER];
  if (userId === undefined) return undefined;
  // Named for its installation when another one held the plain names (see name-choice.ts).
  const plain = workspaceNames(userId);
  const installation = summary.Labels?.[LABEL_INSTALLATION];
  const names =
    summary.Names?.[0] === plain.container || installation === undefined
      ? plain
      : ownNames(userId, installation, plain);
  const exited = summary.State !== 'running';
  const exitCode = exited && summary.ExitedAt > 0 ? summary.ExitCode : undefined;
  return {
    ...absentStatus(names),
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
