import type { Clock } from '../clock/clock.js';
import type { SessionsRepository } from '../db/sessions-repository.js';
import type { User, UsersRepository } from '../db/users-repository.js';
import { isUserId } from '../naming/workspace-names.js';
import type { Home, WorkspaceDriver, WorkspaceStatus } from './driver.js';
import { managementErrors } from './errors.js';
import { activityByWorkspace, endWorkspaceSessions } from './owners.js';
import { createImageUpgrades, type ImageState } from './upgrade.js';

export interface ManagementDeps {
  workspaces: WorkspaceDriver;
  users: UsersRepository;
  sessions: SessionsRepository;
  clock: Clock;
  /** CONTAINER_CLEANUP_HOURS: a volume unused this long, without a container, is orphaned. */
  idleHours: number;
}

export interface ContainerRow extends WorkspaceStatus {
  username?: string;
  lastActivityAt?: Date;
  /** Whether it runs the image WORKSPACE_IMAGE names now. */
  image: ImageState;
}

export interface VolumeRow {
  volume: string;
  userId: string;
  username?: string;
  sizeBytes?: number;
  container: WorkspaceStatus['state'];
  lastActivityAt?: Date;
  /** No container and no session activity within CONTAINER_CLEANUP_HOURS. */
  orphaned: boolean;
}

/** Each of our volumes with its user, size, container state and whether it is orphaned. */
function volumeRows(facts: {
  homes: Home[];
  states: Map<string, WorkspaceStatus['state']>;
  names: Map<string, string>;
  active: Map<string, Date>;
  /** Activity after this is recent. */
  usedSince: Date;
}): VolumeRow[] {
  return facts.homes.map(({ userId, name: volume, sizeBytes }): VolumeRow => {
    const container = facts.states.get(userId) ?? 'absent';
    const lastActivityAt = facts.active.get(userId);
    const recent = lastActivityAt !== undefined && lastActivityAt > facts.usedSince;
    const orphaned = container === 'absent' && !recent;
    const username = facts.names.get(userId);
    return { volume, userId, username, sizeBytes, container, lastActivityAt, orphaned };
  });
}

/**
 * What an operator does by hand, for the CLI and the admin API alike. Users are named by
 * username or by numeric id; a workspace whose user is gone is still named by its id.
 */
export function createWorkspaceManagement(deps: ManagementDeps) {
  const { workspaces, users, sessions, clock } = deps;
  const upgrades = createImageUpgrades(deps);

  async function context() {
    const [all, active] = await Promise.all([users.list(), activityByWorkspace(sessions)]);
    const names = new Map(all.map((u) => [String(u.id), u.username]));
    return { names, active };
  }

  /** The workspace id of a username or id; `user.not_found` when neither names anything. */
  async function resolve(ref: string): Promise<{ userId: string; user?: User }> {
    const byName = await users.findByUsername(ref);
    if (byName) return { userId: String(byName.id), user: byName };
    if (/^\d+$/.test(ref)) {
      const byId = await users.get(Number(ref)).catch(() => undefined);
      if (byId) return { userId: ref, user: byId };
    }
    if (isUserId(ref) && (await hasWorkspace(ref))) return { userId: ref };
    throw managementErrors.unknownUser(ref);
  }

  async function hasWorkspace(userId: string) {
    if ((await workspaces.status(userId)).state !== 'absent') return true;
    return (await workspaces.homes.get(userId)) !== undefined;
  }

  const endSessions = (userId: string, reason: string) =>
    endWorkspaceSessions(sessions, userId, reason, clock.now());

  return {
    resolve,

    async containers(): Promise<ContainerRow[]> {
      const [list, { names, active }] = await Promise.all([workspaces.list(), context()]);
      const images = await upgrades.imageStates(list);
      return list.map((w) => ({
        ...w,
        username: names.get(w.userId),
        lastActivityAt: active.get(w.userId),
        image: images.get(w.userId) ?? 'unknown',
      }));
    },

    /**
     * Recreates outdated workspaces on the current image (one user's, or all), home kept;
     * one with a terminal attached is refused. An empty result: nothing was outdated.
     */
    async upgrade(ref?: string) {
      if (ref === undefined) return upgrades.upgrade(await workspaces.list());
      const { userId } = await resolve(ref);
      return upgrades.upgrade([await workspaces.status(userId)]);
    },

    /** Stops and removes one workspace's container; the volume stays, sessions end. */
    async remove(ref: string, reason = 'workspace removed by an administrator') {
      const { userId } = await resolve(ref);
      const { container } = await workspaces.status(userId);
      await workspaces.remove(userId);
      const sessionsEnded = await endSessions(userId, reason);
      return { userId, container, sessionsEnded };
    },

    /** Removes every stopped workspace; a failure on one is reported and the rest go on. */
    async prune() {
      const stopped = (await workspaces.list()).filter((w) => w.state === 'stopped');
      const results = [];
      for (const w of stopped) {
        try {
          await workspaces.remove(w.userId);
          await endSessions(w.userId, 'workspace pruned by an administrator');
          results.push({ container: w.container, removed: true });
        } catch (error) {
          results.push({ container: w.container, removed: false, error: (error as Error).message });
        }
      }
      return results;
    },

    async volumes(options: { orphaned?: boolean } = {}): Promise<VolumeRow[]> {
      const [homes, list, { names, active }] = await Promise.all([
        workspaces.homes.list(),
        workspaces.list(),
        context(),
      ]);
      const rows = volumeRows({
        homes,
        states: new Map(list.map((w) => [w.userId, w.state])),
        names,
        active,
        usedSince: new Date(clock.now().getTime() - deps.idleHours * 3_600_000),
      });
      return options.orphaned ? rows.filter((r) => r.orphaned) : rows;
    },

    /** Deletes a user's home for good. Refused while the workspace has a container. */
    async removeVolume(ref: string) {
      const { userId } = await resolve(ref);
      const { volume, state } = await workspaces.status(userId);
      if (state !== 'absent') throw managementErrors.volumeInUse(volume, ref);
      if (!(await workspaces.homes.get(userId))) throw managementErrors.volumeMissing(volume);
      await workspaces.homes.remove(userId);
      return { userId, volume };
    },

    async logs(ref: string, tail = 100) {
      const { userId } = await resolve(ref);
      const logs = await workspaces.logs(userId, { tail });
      if (logs !== undefined) return logs;
      throw managementErrors.noContainer((await workspaces.status(userId)).container, ref);
    },
  };
}

export type WorkspaceManagement = ReturnType<typeof createWorkspaceManagement>;
