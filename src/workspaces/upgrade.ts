import type { Clock } from '../clock/clock.js';
import type { SessionsRepository } from '../db/sessions-repository.js';
import type { WorkspaceDriver, WorkspaceStatus } from './driver.js';
import { accountId, endWorkspaceSessions } from './owners.js';

/** Whether a workspace runs the image WORKSPACE_IMAGE names now. */
export type ImageState = 'current' | 'outdated' | 'unknown';

export interface UpgradeResult {
  userId: string;
  container: string;
  result: 'upgraded' | 'removed' | 'refused' | 'failed';
  /** Why, for `refused` and `failed`. */
  reason?: string;
}

export interface UpgradeDeps {
  workspaces: WorkspaceDriver;
  sessions: SessionsRepository;
  clock: Clock;
}

/** Whether anything but idle shells runs in a workspace's sessions (see terminals). */
export type BusyCheck = (userId: string) => Promise<boolean>;

/**
 * Moving workspaces to a rebuilt image. A container keeps the image it was created from;
 * one created from an older image than the tag's is outdated, and an upgrade recreates it
 * (home volume kept) unless a terminal is attached to it: that is refused, never cut off.
 */
export function createImageUpgrades(deps: UpgradeDeps) {
  const { workspaces, sessions } = deps;

  const stateOf = (w: WorkspaceStatus, current: string | undefined): ImageState =>
    !current || !w.imageId ? 'unknown' : w.imageId === current ? 'current' : 'outdated';

  // Visits while an ask is on its way share its answer: every attach visits, and 200 at
  // once cost Podman 0.8-1 s as 200 image inspects. A rebuild that lands meanwhile is seen
  // at the next visit; upgrades and the admin page always ask afresh.
  let asking: Promise<string | undefined> | undefined;
  const imageForVisits = () => {
    asking ??= workspaces.currentImage().finally(() => {
      asking = undefined;
    });
    return asking;
  };

  async function attachedTerminals(userId: string): Promise<number> {
    const id = accountId(userId);
    if (id === undefined) return 0;
    return (await sessions.listByUser(id)).filter((s) => s.status === 'active').length;
  }

  async function upgradeOne(w: WorkspaceStatus): Promise<UpgradeResult> {
    const { userId, container } = w;
    const attached = await attachedTerminals(userId);
    if (attached > 0) {
      const reason = `${attached} terminal(s) attached; upgrade it once they are closed`;
      return { userId, container, result: 'refused', reason };
    }
    try {
      await workspaces.remove(userId);
      const why = 'workspace recreated on the new image';
      await endWorkspaceSessions(sessions, userId, why, deps.clock.now());
      if (w.state !== 'running') return { userId, container, result: 'removed' };
      await workspaces.ensure(userId);
      return { userId, container, result: 'upgraded' };
    } catch (error) {
      return { userId, container, result: 'failed', reason: (error as Error).message };
    }
  }

  return {
    /**
     * At a user's visit, before their workspace is started or attached to: an outdated one
     * is removed (home kept) so that the start recreates it on the current image, when
     * that cuts nothing off: no terminal attached and nothing but idle shells running.
     * The sessions stay: each comes back as a fresh shell in the new workspace (their
     * history does not). Resolves whether it was removed.
     */
    async onVisit(userId: string, busy: BusyCheck): Promise<boolean> {
      const w = await workspaces.status(userId);
      if (w.state === 'absent' || stateOf(w, await imageForVisits()) !== 'outdated') return false;
      if ((await attachedTerminals(userId)) > 0) return false;
      if (w.state === 'running' && (await busy(userId))) return false;
      await workspaces.remove(userId);
      return true;
    },

    /** Each workspace's image state, by user id. */
    async imageStates(list: WorkspaceStatus[]): Promise<Map<string, ImageState>> {
      const current = await workspaces.currentImage();
      return new Map(list.map((w) => [w.userId, stateOf(w, current)]));
    },

    /**
     * Recreates the outdated workspaces among `list` on the current image, one at a time: a
     * running one is started again at once, a stopped one at its next start.
     */
    async upgrade(list: WorkspaceStatus[]): Promise<UpgradeResult[]> {
      const current = await workspaces.currentImage();
      const results: UpgradeResult[] = [];
      for (const w of list.filter((w) => stateOf(w, current) === 'outdated'))
        results.push(await upgradeOne(w));
      return results;
    },
  };
}
