import type { Clock } from '../clock/clock.js';
import {
  LABEL_INSTALLATION,
  LABEL_MANAGED,
  LABEL_USER,
  type WorkspaceNames,
} from '../naming/workspace-names.js';
import type { PodmanClient } from '../podman/client.js';
import { isPodmanError, unlessMissing } from '../podman/errors.js';
import type { VolumeInfo } from '../podman/types.js';
import type { AttachToContainer } from './attach-driver.js';
import { followDeaths } from './death-watch.js';
import type { Home, WorkspaceDriver } from './driver.js';
import type { Held, NameChoice } from './name-choice.js';

/** Tries of Podman's disk usage, which fails when a container it counts goes away meanwhile. */
const DF_ATTEMPTS = 3;

type SharedOperations = Pick<
  WorkspaceDriver,
  'run' | 'attach' | 'logs' | 'deaths' | 'homes' | 'currentImage' | 'ping'
>;

/**
 * What both Podman drivers do alike, by container and volume name: commands, terminals,
 * logs, deaths from Podman's events, homes as volumes, the image and the ping.
 */
export function podmanOperations(deps: {
  podman: PodmanClient;
  clock: Clock;
  attach: AttachToContainer;
  /** WORKSPACE_IMAGE, whose id `currentImage` gives. */
  image: string;
  /** The names of each user's workspace here (the driver's own choice). */
  names: NameChoice;
}): SharedOperations {
  const { podman } = deps;
  const { namesOf } = deps.names;
  const container = async (userId: string) => (await namesOf(userId)).container;
  return {
    async run(userId, command, options = {}) {
      const name = await container(userId);
      const found = await podman.containers.findByName(name);
      if (found?.State !== 'running') return undefined;
      return podman.exec.run(name, command, options);
    },
    attach: async (userId, options) => deps.attach(await container(userId), options),
    logs: async (userId, { tail }) =>
      unlessMissing(podman.containers.logs(await container(userId), { tail })),
    deaths: (options) => followDeaths(podman, deps.clock, options),
    homes: {
      list: () => listHomes(podman),
      async get(userId) {
        const found = await unlessMissing(podman.volumes.inspect((await namesOf(userId)).volume));
        return found && homeOf(found);
      },
      async remove(userId) {
        await podman.volumes.remove((await namesOf(userId)).volume);
        deps.names.forget(userId);
      },
    },
    async currentImage() {
      return (await podman.images.inspect(deps.image).catch(() => undefined))?.Id;
    },
    ping: () => podman.ping(),
  };
}

/**
 * What holds a workspace's names in Podman: its container, or else its volume; `unit`
 * asks further where a driver keeps more (the quadlet driver's unit files).
 */
export function podmanHolder(
  podman: PodmanClient,
  unit?: (names: WorkspaceNames) => Promise<Record<string, string> | undefined>,
): (names: WorkspaceNames) => Promise<Held> {
  return async (names) => {
    const container = await podman.containers.findByName(names.container);
    if (container) return { labels: container.Labels ?? {} };
    const volume = await unlessMissing(podman.volumes.inspect(names.volume));
    if (volume) return { labels: volume.Labels ?? {} };
    const labels = await unit?.(names);
    return labels && { labels };
  };
}

/**
 * Every managed volume, with its size. Podman's disk usage fails with a 500 when a
 * container it counts is removed meanwhile (any user's, any time): asked three times, then
 * the sizes are left unknown rather than failing the listing.
 */
async function listHomes(podman: PodmanClient): Promise<Home[]> {
  const [volumes, sizes] = await Promise.all([
    podman.volumes.list({ labels: [`${LABEL_MANAGED}=true`] }),
    volumeSizes(podman),
  ]);
  return volumes.flatMap((v) => {
    const home = homeOf(v);
    return home ? [{ ...home, sizeBytes: sizes.get(v.Name) }] : [];
  });
}

function homeOf(volume: VolumeInfo): Home | undefined {
  const userId = volume.Labels?.[LABEL_USER];
  if (userId === undefined) return undefined;
  return { userId, name: volume.Name, installation: volume.Labels?.[LABEL_INSTALLATION] };
}

async function volumeSizes(podman: PodmanClient): Promise<Map<string, number>> {
  for (let attempt = 1; attempt <= DF_ATTEMPTS; attempt++) {
    try {
      const usage = await podman.system.volumeUsage();
      return new Map(usage.map((u) => [u.VolumeName, u.Size]));
    } catch (error) {
      if (!isPodmanError(error, 500)) throw error;
    }
  }
  return new Map();
}
