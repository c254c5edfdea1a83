import type { Clock } from '../clock/clock.js';
import { LABEL_MANAGED, type WorkspaceNames, workspaceLabels } from '../naming/workspace-names.js';
import type { PodmanClient } from '../podman/client.js';
import { unlessMissing } from '../podman/errors.js';
import type { SpecGenerator } from '../podman/types.js';
import { SUDO_CAPABILITIES } from '../quadlet/workspace-units.js';
import { type AttachSettings, createAttach, DEFAULT_ATTACH } from './attach-driver.js';
import { absentStatus, statusOf } from './container-status.js';
import type { WorkspaceDriver, WorkspaceSettings, WorkspaceStatus } from './driver.js';
import { waitUntilExecable } from './execable.js';
import { createNameChoice } from './name-choice.js';
import { podmanHolder, podmanOperations } from './podman-operations.js';
import { inTurn, type StartQueue } from './start-queue.js';

export interface LibpodDriverDeps {
  podman: PodmanClient;
  clock: Clock;
  settings: WorkspaceSettings;
  /** How terminals attach (DEFAULT_ATTACH when not given). */
  attach?: AttachSettings;
  /** Where creations and starts wait their turn; none: they run at once. */
  starts?: StartQueue;
}

/**
 * Workspaces made directly through the libpod API, for hosts without a user systemd.
 * Containers restart on failure through Podman; after a host reboot they stay stopped
 * until the next `ensure`.
 */
export function createLibpodDriver({
  podman,
  clock,
  settings,
  starts,
  attach,
}: LibpodDriverDeps): WorkspaceDriver {
  const names = createNameChoice({
    installation: settings.installation,
    held: podmanHolder(podman),
  });
  const { namesOf } = names;

  async function status(userId: string): Promise<WorkspaceStatus> {
    const own = await namesOf(userId);
    const found = await podman.containers.findByName(own.container);
    return (found && statusOf(found)) ?? absentStatus(own);
  }

  async function ensureVolume(names: WorkspaceNames): Promise<void> {
    if (await podman.volumes.exists(names.volume)) return;
    await podman.volumes.create(names.volume, {
      labels: workspaceLabels(names.userId, settings.installation),
    });
  }

  return {
    name: 'libpod',
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
      const current = await status(userId);
      // Only a container started just now may not take commands yet: one that runs does.
      if (current.state === 'running') return current;
      await inTurn(
        starts,
        async () => {
          if (current.state === 'absent') {
            await ensureVolume(own);
            await podman.containers.create(containerSpec(own, settings));
          }
          await podman.containers.start(own.container);
        },
        options.onProgress,
      );
      await waitUntilExecable(podman, clock, own.container);
      return status(userId);
    },
    async stop(userId) {
      const { container } = await namesOf(userId);
      await unlessMissing(
        podman.containers.stop(container, { timeoutSeconds: settings.stopTimeoutSeconds }),
      );
    },
    async remove(userId) {
      const { container } = await namesOf(userId);
      await unlessMissing(
        podman.containers.stop(container, { timeoutSeconds: settings.stopTimeoutSeconds }),
      );
      await unlessMissing(podman.containers.remove(container, { force: true, timeoutSeconds: 0 }));
    },
    async list() {
      const all = await podman.containers.list({ labels: [`${LABEL_MANAGED}=true`] });
      return all.flatMap((c) => statusOf(c) ?? []);
    },
  };
}

function containerSpec(names: WorkspaceNames, s: WorkspaceSettings): SpecGenerator {
  const cpuPeriod = 100_000;
  return {
    name: names.container,
    image: s.image,
    labels: workspaceLabels(names.userId, s.installation),
    volumes: [{ Name: names.volume, Dest: s.home }],
    userns: { nsmode: 'keep-id', value: `uid=${s.uid},gid=${s.gid}` },
    cap_drop: ['all'],
    cap_add: s.sudo ? [...SUDO_CAPABILITIES] : undefined,
    no_new_privileges: !s.sudo,
    stop_timeout: s.stopTimeoutSeconds,
    restart_policy: 'on-failure',
    restart_tries: 5,
    resource_limits: {
      memory: s.memoryBytes === undefined ? undefined : { limit: s.memoryBytes },
      cpu:
        s.cpus === undefined
          ? undefined
          : { quota: Math.round(s.cpus * cpuPeriod), period: cpuPeriod },
      pids: s.pidsLimit === undefined ? undefined : { limit: s.pidsLimit },
    },
  };
}
