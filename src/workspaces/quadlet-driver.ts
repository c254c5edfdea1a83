import type { Clock } from '../clock/clock.js';
import {
  isUserId,
  LABEL_MANAGED,
  type WorkspaceNames,
  workspaceNames,
} from '../naming/workspace-names.js';
import type { PodmanClient } from '../podman/client.js';
import { renderWorkspaceUnits, unitLabels } from '../quadlet/workspace-units.js';
import { type AttachSettings, createAttach, DEFAULT_ATTACH } from './attach-driver.js';
import { absentStatus, statusOf } from './container-status.js';
import type { WorkspaceDriver, WorkspaceSettings, WorkspaceStatus } from './driver.js';
import { waitUntilExecable } from './execable.js';
import { createNameChoice } from './name-choice.js';
import { podmanHolder, podmanOperations } from './podman-operations.js';
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

/** A unit file's user id: plain names, or those of the installation `own` (if any). */
function unitFileUser(fileName: string, own: string | undefined): WorkspaceNames | undefined {
  const plain = /^claude-web-user-(.+)\.container$/.exec(fileName)?.[1];
  if (plain !== undefined) return isUserId(plain) ? workspaceNames(plain) : undefined;
  const prefix = own === undefined ? undefined : `claude-web-${own}-user-`;
  if (!prefix || !fileName.startsWith(prefix) || !fileName.endsWith('.container')) return undefined;
  const userId = fileName.slice(prefix.length, -'.container'.length);
  // Files that no valid user id could have produced are not ours.
  return isUserId(userId) ? workspaceNames(userId, own) : undefined;
}
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
  names: WorkspaceNames,
  block: string,
  labels: Record<string, string>,
): WorkspaceStatus {
  const props = Object.fromEntries(block.split('\n').map((l) => l.split(/=(.*)/s, 2)));
  const at = Number(props.InactiveEnterTimestamp?.replace('@', ''));
  const status = Number(props.ExecMainStatus);
  return {
    ...absentStatus(names),
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
  const fileLabels = async (names: WorkspaceNames) => {
    const content = await files.read(names.containerUnitFile);
    return content === undefined ? undefined : unitLabels(content);
  };
  const names = createNameChoice({
    installation: settings.installation,
    held: podmanHolder(podman, fileLabels),
  });
  const { namesOf } = names;

  /**
   * Stopped workspaces from their units' last run, for users whose unit files exist: one
   * `systemctl show` for all of them.
   */
  async function unitStatuses(withUnits: WorkspaceNames[]): Promise<WorkspaceStatus[]> {
    if (withUnits.length === 0) return [];
    const services = withUnits.map((u) => u.containerService);
    const show = await systemctl(['show', ...services, '--timestamp=unix', ...UNIT_PROPERTIES]);
    // One block of properties per unit, in the order asked, separated by blank lines.
    const blocks = show.trim().split(/\n\s*\n/);
    const labels = await Promise.all(withUnits.map(fileLabels));
    return withUnits.map((u, i) => stoppedUnitStatus(u, blocks[i] ?? '', labels[i] ?? {}));
  }

  async function unitStatus(own: WorkspaceNames): Promise<WorkspaceStatus> {
    if (!(await files.exists(own.containerUnitFile))) return absentStatus(own);
    return (await unitStatuses([own]))[0] ?? absentStatus(own);
  }

  async function status(userId: string): Promise<WorkspaceStatus> {
    const own = await namesOf(userId);
    const found = await podman.containers.findByName(own.container);
    const fromContainer = found && statusOf(found);
    return fromContainer?.state === 'running' ? fromContainer : unitStatus(own);
  }

  return {
    name: 'quadlet',
    ...podmanOperations({
      podman,
      clock,
      attach: createAttach({ ...(attach ?? DEFAULT_ATTACH), podman, clock }),
      image: settings.image,
      names,
    }),
    status,
    async ensure(userId, options = {}) {
      const own = await namesOf(userId);
      const ownNames = own.container !== workspaceNames(userId).container;
      const units = renderWorkspaceUnits({ ...settings, userId, ownNames });
      if (await files.write([units.volume, units.container])) await daemonReload();
      const current = await status(userId);
      // Only a container started just now may not take commands yet: one that runs does.
      if (current.state === 'running') return current;
      await inTurn(
        deps.starts,
        () => systemctl(['start', own.containerService]),
        options.onProgress,
      );
      await waitUntilExecable(podman, clock, own.container);
      return status(userId);
    },
    async stop(userId) {
      const own = await namesOf(userId);
      if (await files.exists(own.containerUnitFile))
        await systemctl(['stop', own.containerService]);
    },
    async remove(userId) {
      const own = await namesOf(userId);
      if (await files.exists(own.containerUnitFile))
        await systemctl(['stop', own.containerService]);
      if (await files.remove([own.containerUnitFile, own.volumeUnitFile])) await daemonReload();
      // A container left by an earlier, interrupted start would block the name.
      if (await podman.containers.exists(own.container)) {
        await podman.containers.remove(own.container, { force: true, timeoutSeconds: 0 });
      }
    },
    async list() {
      const running = (await podman.containers.list({ labels: [`${LABEL_MANAGED}=true`] })).flatMap(
        (c) => statusOf(c) ?? [],
      );
      const seen = new Set(running.map((w) => w.container));
      const units = (await files.list()).flatMap(
        (f) => unitFileUser(f, settings.installation) ?? [],
      );
      // Listed from the unit directory, so their files exist.
      const stopped = await unitStatuses(units.filter((u) => !seen.has(u.container)));
      return [...running, ...stopped];
    },
  };
}
