import { pino } from 'pino';
import { EXITED_HOURS, type PolicyConfig } from '../../src/cleanup/policy.js';
import { createCleanupSweep, type SweepDeps } from '../../src/cleanup/sweep.js';
import type { Clock } from '../../src/clock/clock.js';
import { createCleanupRunsRepository } from '../../src/db/cleanup-runs-repository.js';
import type { Database } from '../../src/db/create-db.js';
import { createSessionsRepository } from '../../src/db/sessions-repository.js';
import type { WorkspaceDriver } from '../../src/workspaces/driver.js';
import { createWorkspaceUsage } from '../../src/workspaces/usage.js';

/** The real sweep over `workspaces`, with the default limits (24 h idle, 1 h exited). */
export function testSweep(
  deps: { workspaces: WorkspaceDriver; database: Database; clock: Clock } & Partial<
    Pick<SweepDeps, 'usage' | 'notifier' | 'warnWithinMs'>
  > & { config?: Partial<PolicyConfig> },
) {
  return createCleanupSweep({
    usage: createWorkspaceUsage(),
    ...deps,
    sessions: createSessionsRepository(deps.database),
    runs: createCleanupRunsRepository(deps.database),
    log: pino({ level: 'silent' }),
    config: { idleHours: 24, exitedHours: EXITED_HOURS, ...deps.config },
  });
}
