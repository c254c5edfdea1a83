import type { Clock } from '../clock/clock.js';
import { isUserId, LABEL_MANAGED, workspaceNames } from '../naming/workspace-names.js';
import type { PodmanClient } from '../podman/client.js';
import { renderWorkspaceUnits, unitLabels } from '../quadlet/workspace-units.js';
import { type AttachSettings, createAttach, DEFAULT_ATTACH } from './attach-driver.js';
import { absentStatus, statusOf } from './container-status.js';
import type { WorkspaceDriver, WorkspaceSettings, WorkspaceStatus } from './driver.js';
import { waitUntilExecable } from './execable.js';
import { podmanOperations } from './podman-operations.js';
import { inTurn, type StartQueue } from './start-queue.js';
import { createDaemonReload, type Systemctl } from './systemctl.js';
import { createUnitFiles } from './unit-files.js';

export interface QuadletDriverDeps {
  podman: PodmanClient;
  clock: Clock;
  settings: WorkspaceSettings;
  /** How terminals attach (DEFAULT_ATTACH when not given). */
  attach?: AttachSettings;
  systemctl: Systemctl;
  /** The account's quadlet directory, e.g. ~/.config/containers/systemd. */
  unitDir: string;
  /** Where starts wait their turn; none: they run at once. */
  starts?: StartQueue;
}

const CONTAINER_FILE = /^claude-web-user-(.+)\.container$/;
const UNIT_PROPERTIES = [
  '-p',
  'InactiveEnterTimestamp',
  '-p',
  'ExecMainStatus',
  '-p',
  'ActiveState',
];

/**
 * A workspace whose unit runs no container, from its unit's properties (`key=value` lines)
 * and the labels its unit file gives the container.
 */
function stoppedUnitStatus(
  userId: string,
  block: string,
  labels: Record<string, string>,
): WorkspaceStatus {
  const props = Object.fromEntries(block.split('\n').map((l) => l.split(/=(.*)/s, 2)));
  const at = Number(props.InactiveEnterTimestamp?.replace('@', ''));
  const status = Number(props.ExecMainStatus);
  return {
    ...absentStatus(userId),
    state: 'stopped',
    finishedAt: at > 0 ? new Date(at * 1000) : undefined,
    exitCode: Number.isFinite(status) && at > 0 ? status : undefined,
    crashed: props.ActiveState === 'failed',
    failure: props.ActiveState === 'failed' ? 'its unit failed' : undefined,
    labels,
  };
}

/**
 * Workspaces as quadlet units of the account's systemd user manager: they keep running when
 * the server stops or crashes, and come back after a reboot (with linger). The unit owns
 * its container (`podman run --rm`), so a stopped workspace has a unit and no container.
 */
export function createQuadletDriver(deps: QuadletDriverDeps): WorkspaceDriver {
  const { podman, clock, settings, systemctl, attach } = deps;
  const files = createUnitFiles(deps.unitDir);
  const daemonReload = createDaemonReload(systemctl);

  /**
   * Stopped workspaces from their units' last run, for users whose unit files exist: one
   * `systemctl show` for all of them.
   */
  async function unitStatuses(withUnits: string[]): Promise<WorkspaceStatus[]> {
    if (withUnits.length === 0) return [];
    const services = withUnits.map((u) => workspaceNames(u).containerService);
    const show = await systemctl(['show', ...services, '--timestamp=unix', ...UNIT_PROPERTIES]);
    // One block of properties per unit, in the order asked, separated by blank lines.
    const blocks = show.trim().split(/\n\s*\n/);
    const contents = await Promise.all(
      withUnits.map((u) => files.read(workspaceNames(u).containerUnitFile)),
    );
    return withUnits.map((userId, i) =>
      stoppedUnitStatus(userId, blocks[i] ?? '', unitLabels(contents[i] ?? '')),
    );
  }

  async function unitStatus(userId: string): Promise<WorkspaceStatus> {
    if (!(await files.exists(workspaceNames(userId).containerUnitFile)))
      return absentStatus(userId);
    return (await unitStatuses([userId]))[0] ?? absentStatus(userId);
  }

  async function status(userId: string): Promise<WorkspaceStatus> {
    const found = await podman.containers.findByName(workspaceNames(userId).container);
    const fromContainer = found && statusOf(found);
    return fromContainer?.state === 'running' ? fromContainer : unitStatus(userId);
  }

  return {
    name: 'quadlet',
    ...podmanOperations({
      podman,
      attach: createAttach({ ...(attach ?? DEFAULT_ATTACH), podman, clock }),
      image: settings.image,
    }),
    status,
    async ensure(userId, options = {}) {
      const names = workspaceNames(userId);
      const units = renderWorkspaceUnits({ ...settings, userId });
      if (await files.write([units.volume, units.container])) await daemonReload();
      const current = await status(userId);
      // Only a container started just now may not take commands yet: one that runs does.
      if (current.state === 'running') return current;
      await inTurn(
        deps.starts,
        () => systemctl(['start', names.containerService]),
        options.onProgress,
      );
      await waitUntilExecable(podman, clock, names.container);
      return status(userId);
    },
    async stop(userId) {
      const names = workspaceNames(userId);
      if (await files.exists(names.containerUnitFile))
        await systemctl(['stop', names.containerService]);
    },
    async remove(userId) {
      const names = workspaceNames(userId);
      if (await files.exists(names.containerUnitFile))
        await systemctl(['stop', names.containerService]);
      if (await files.remove([names.containerUnitFile, names.volumeUnitFile])) await daemonReload();
      // A container left by an earlier, interrupted start would block the name.
      if (await podman.containers.exists(names.container)) {
        await podman.containers.remove(names.container, { force: true, timeoutSeconds: 0 });
      }
    },
    async list() {
      const running = (await podman.containers.list({ labels: [`${LABEL_MANAGED}=true`] })).flatMap(
        (c) => statusOf(c) ?? [],
      );
      const seen = new Set(running.map((w) => w.userId));
      const unitUsers = (await files.list())
        .flatMap((f) => CONTAINER_FILE.exec(f)?.[1] ?? [])
        // Files that no valid user id could have produced are not ours.
        .filter(isUserId);
      // Listed from the unit directory, so their files exist.
      const stopped = await unitStatuses(unitUsers.filter((u) => !seen.has(u)));
      return [...running, ...stopped];
    },
  };
}
