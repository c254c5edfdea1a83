import { HOUR_MS } from '../../src/cleanup/policy.js';
import { workspaceLabels } from '../../src/naming/workspace-names.js';
import type { WorkspaceStatus } from '../../src/workspaces/driver.js';
import { createFakeClock } from './fake-clock.js';

/** The moment policy tables are judged at: the fake clock's start. */
export const now = createFakeClock().now();

/** `ms` before `now`. */
export const earlier = (ms: number) => new Date(now.getTime() - ms);

/** A workspace of user 1, labelled as ours and up 1000 h, unless the case says otherwise. */
export function workspace(facts: Partial<WorkspaceStatus> = {}): WorkspaceStatus {
  return {
    userId: '1',
    container: 'claude-web-user-1',
    volume: 'claude-web-user-1-data',
    state: 'running',
    crashed: false,
    labels: workspaceLabels('1'),
    createdAt: earlier(1000 * HOUR_MS),
    startedAt: earlier(1000 * HOUR_MS),
    ...facts,
  };
}
