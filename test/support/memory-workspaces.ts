import type { Clock } from '../../src/clock/clock.js';
import { workspaceLabels, workspaceNames } from '../../src/naming/workspace-names.js';
import { tmuxSessionName } from '../../src/tmux/tmux.js';
import type {
  CommandResult,
  WorkspaceDeath,
  WorkspaceDriver,
  WorkspaceStatus,
} from '../../src/workspaces/driver.js';
import { createMemoryTerminal, type MemorySession } from './memory-terminal.js';

interface Workspace {
  status: WorkspaceStatus;
  sessions: Map<string, MemorySession>;
}

const IMAGE = 'sha256:memory-image-1';

/**
 * The workspace driver in memory, on the injected clock: workspaces, homes, terminals (see
 * memory-terminal.ts), logs and deaths as a runtime would keep them, for fast tests of
 * what sits above the driver. `run` answers through `onRun` (exit 0, no output otherwise).
 * The real drivers' proof is test/workspaces/contract.test.ts, not this.
 */
export function createMemoryWorkspaces(options: {
  clock: Clock;
  onRun?: (userId: string, command: string[]) => CommandResult;
}) {
  const { clock } = options;
  const workspaces = new Map<string, Workspace>();
  const homes = new Set<string>();
  const deaths: WorkspaceDeath[] = [];
  const watchers = new Set<(death: WorkspaceDeath) => void>();
  let nextId = 1;
  let attachFailure: Error | undefined;

  const absent = (userId: string): WorkspaceStatus => {
    const { container, volume } = workspaceNames(userId);
    return { userId, container, volume, state: 'absent', crashed: false };
  };
  const running = (userId: string) => {
    const w = workspaces.get(userId);
    return w?.status.state === 'running' ? w : undefined;
  };
  function end(userId: string, exitCode: number) {
    const w = running(userId);
    if (!w) return;
    const at = clock.now();
    w.status = {
      ...w.status,
      state: 'stopped',
      finishedAt: at,
      exitCode,
      crashed: exitCode !== 143,
    };
    w.sessions.clear();
    const death = {
      userId,
      container: w.status.container,
      exitCode,
      at,
      cursor: String(deaths.length + 1),
    };
    deaths.push(death);
    for (const watcher of watchers) watcher(death);
  }

  const driver: WorkspaceDriver = {
    name: 'memory',
    async ensure(userId) {
      const names = workspaceNames(userId);
      homes.add(userId);
      const w = workspaces.get(userId) ?? {
        status: { ...absent(userId), containerId: `c${nextId++}`, createdAt: clock.now() },
        sessions: new Map(),
      };
      workspaces.set(userId, w);
      if (w.status.state !== 'running')
        w.status = {
          ...w.status,
          state: 'running',
          imageId: w.status.imageId ?? IMAGE,
          startedAt: clock.now(),
          finishedAt: undefined,
          exitCode: undefined,
          crashed: false,
          labels: workspaceLabels(names.userId),
        };
      return { ...w.status };
    },
    async stop(userId) {
      workspaceNames(userId);
      end(userId, 143);
    },
    async remove(userId) {
      workspaceNames(userId);
      end(userId, 143);
      workspaces.delete(userId);
    },
    async status(userId) {
      workspaceNames(userId);
      return { ...(workspaces.get(userId)?.status ?? absent(userId)) };
    },
    list: async () => [...workspaces.values()].map((w) => ({ ...w.status })),
    async run(userId, command) {
      workspaceNames(userId);
      if (!running(userId)) return undefined;
      return options.onRun?.(userId, command) ?? { exitCode: 0, stdout: '', stderr: '' };
    },
    async attach(userId, { session, size, newShellBanner }) {
      workspaceNames(userId);
      tmuxSessionName(session);
      if (attachFailure) throw attachFailure;
      const w = running(userId);
      if (!w) throw new Error(`${workspaceNames(userId).container} is not running`);
      let kept = w.sessions.get(session);
      if (!kept) {
        kept = { output: newShellBanner ? [Buffer.from(`${newShellBanner}\r\n`)] : [] };
        w.sessions.set(session, kept);
      }
      return createMemoryTerminal(kept, size).terminal;
    },
    async logs(userId, { tail }) {
      const w = workspaces.get(userId);
      if (!w) return undefined;
      const lines = [`started ${w.status.startedAt?.toISOString()}`];
      return `${lines.slice(-tail).join('\n')}\n`;
    },
    async deaths({ after, signal }) {
      const queue = deaths.filter((d) => after === undefined || Number(d.cursor) > Number(after));
      let wake = () => {};
      const watcher = (death: WorkspaceDeath) => {
        queue.push(death);
        wake();
      };
      watchers.add(watcher);
      signal.addEventListener('abort', () => {
        watchers.delete(watcher);
        wake();
      });
      return (async function* () {
        while (!signal.aborted) {
          const next = queue.shift();
          if (next) yield next;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      })();
    },
    homes: {
      list: async () =>
        [...homes].map((userId) => ({ userId, name: workspaceNames(userId).volume, sizeBytes: 0 })),
      async get(userId) {
        const { volume } = workspaceNames(userId);
        return homes.has(userId) ? { userId, name: volume } : undefined;
      },
      remove: async (userId) => void homes.delete(userId),
    },
    currentImage: async () => IMAGE,
    ping: async () => {},
  };
  return {
    driver,
    /** The workspace ends on its own, as an OOM kill (137) or a crash would. */
    kill: (userId: string, exitCode = 137) => end(userId, exitCode),
    /** Every attach fails with `error` from now on (until called with undefined). */
    failAttaches: (error: Error | undefined) => {
      attachFailure = error;
    },
    /** The sessions a workspace holds right now (its tmux sessions). */
    sessions: (userId: string) => [...(workspaces.get(userId)?.sessions.keys() ?? [])],
  };
}
