import type { WorkspaceDriver, WorkspaceStatus } from '../workspaces/driver.js';
import type { Output } from './output.js';

/** `containers …` commands: what an operator does by hand to workspaces. */
export function createContainersCommands({
  driver,
  out,
}: {
  driver: WorkspaceDriver;
  out: Output;
}) {
  return {
    async ls(json: boolean) {
      const all = (await driver.list()).sort((a, b) =>
        a.userId.localeCompare(b.userId, 'en', { numeric: true }),
      );
      if (json) return out.json(all);
      out.table(
        ['USER', 'CONTAINER', 'STATE', 'STARTED', 'FINISHED', 'EXIT'],
        all.map((w) => [
          w.userId,
          w.container,
          describeState(w),
          time(w.startedAt),
          time(w.finishedAt),
          w.exitCode?.toString() ?? '',
        ]),
      );
    },
    async start(user: string, json: boolean) {
      report(out, json, await driver.ensure(user));
    },
    async stop(user: string, json: boolean) {
      await driver.stop(user);
      report(out, json, await driver.status(user));
    },
    async rm(user: string, json: boolean) {
      await driver.remove(user);
      report(out, json, await driver.status(user));
    },
  };
}

function report(out: Output, json: boolean, status: WorkspaceStatus) {
  if (json) out.json(status);
  else
    out.line(
      `${status.container}: ${describeState(status)}${status.state === 'absent' ? ' (volume kept)' : ''}`,
    );
}

function describeState(w: WorkspaceStatus): string {
  return w.crashed ? `${w.state} (crashed)` : w.state;
}

function time(date: Date | undefined): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}
