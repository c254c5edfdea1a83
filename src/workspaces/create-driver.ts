import { join } from 'node:path';
import type { Clock } from '../clock/clock.js';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../log/logger.js';
import type { Counters } from '../metrics/counters.js';
import { createPodmanClient, type PodmanClient } from '../podman/client.js';
import { ensurePodmanService } from '../podman/service.js';
import type { AttachSettings } from './attach-driver.js';
import type { WorkspaceDriver, WorkspaceSettings } from './driver.js';
import { createImageBuilder, type ImageBuilder } from './image-builder.js';
import { type Installation, scopeToInstallation } from './installation.js';
import { createLibpodDriver } from './libpod-driver.js';
import { createQuadletDriver } from './quadlet-driver.js';
import { serializePerUser } from './serialized.js';
import { createStartQueue, type StartQueue } from './start-queue.js';
import { createSystemctl, type Systemctl } from './systemctl.js';
import { ensureImageFirst } from './with-image.js';

/** The user of the image built from the Containerfile: whose home the volume becomes. */
export const IMAGE_USER = { home: '/home/developer', uid: 1000, gid: 1000 };

export function workspaceSettings(workspace: Config['workspace']): WorkspaceSettings {
  return {
    image: workspace.image,
    stopTimeoutSeconds: workspace.stopTimeoutSeconds,
    sudo: workspace.sudo,
    ...workspace.limits,
    ...IMAGE_USER,
  };
}

export interface CreateDriverDeps {
  kind: Config['workspace']['driver'];
  podman: PodmanClient;
  clock: Clock;
  systemctl: Systemctl;
  settings: WorkspaceSettings;
  quadletDir: string;
  images: ImageBuilder;
  attach?: AttachSettings;
  /** The installation whose workspaces these are; none: every claude-web workspace. */
  installation?: Installation;
  /** Where workspace starts wait their turn (default: one at a time). */
  starts?: StartQueue;
}

/** States in which a user systemd manager runs units; `offline` means there is none. */
const SERVING = new Set(['initializing', 'starting', 'running', 'degraded']);

export async function userSystemdReachable(systemctl: Systemctl): Promise<boolean> {
  const state = await systemctl(['is-system-running']).catch(
    (error: { details?: { stdout?: unknown } }) => String(error.details?.stdout ?? ''),
  );
  return SERVING.has(state.trim());
}

/** The one place that chooses a workspace driver. */
export async function createWorkspaceDriver(deps: CreateDriverDeps): Promise<WorkspaceDriver> {
  const kind =
    deps.kind === 'auto'
      ? (await userSystemdReachable(deps.systemctl))
        ? 'quadlet'
        : 'libpod'
      : deps.kind;
  const starts = deps.starts ?? createStartQueue();
  const { installation } = deps;
  const settings = { ...deps.settings, installation: installation?.id };
  const driver =
    kind === 'quadlet'
      ? createQuadletDriver({ ...deps, settings, starts, unitDir: deps.quadletDir })
      : createLibpodDriver({ ...deps, settings, starts });
  const ready = ensureImageFirst(serializePerUser(driver), deps.images, settings.image);
  return installation ? scopeToInstallation(ready, installation) : ready;
}

/** A workspace driver with the image builder of its runtime, open until `close`. */
export interface OpenedWorkspaces {
  driver: WorkspaceDriver;
  images: ImageBuilder;
  close(): Promise<void>;
}

/**
 * The configured workspace driver on a new Podman client; `containerfile` builds the
 * workspace image when it is missing.
 */
export async function openWorkspaces(deps: {
  config: Config;
  clock: Clock;
  log: Logger;
  containerfile: string;
  /** Where runtime outages and image builds are counted. */
  counters?: Counters;
  installation?: Installation;
}): Promise<OpenedWorkspaces> {
  const { config, clock, log, containerfile, counters } = deps;
  const podman = createPodmanClient({
    socketPath: config.podman.socketPath,
    answerTimeoutMs: config.podman.answerTimeoutMs,
    clock,
    onOutage: () => counters?.add('claude_web_runtime_outages_total'),
  });
  const { baseImage } = config.workspace;
  const images = createImageBuilder({
    podman,
    log,
    containerfile,
    contextDir: join(config.dataDir, 'image-context'),
    buildArgs: baseImage ? { BASE_IMAGE: baseImage } : {},
    onBuilt: (outcome) => counters?.add('claude_web_image_builds_total', { outcome }),
  });
  const driver = await createWorkspaceDriver({
    images,
    kind: config.workspace.driver,
    podman,
    clock,
    systemctl: createSystemctl(),
    settings: workspaceSettings(config.workspace),
    quadletDir: config.workspace.quadletDir,
    installation: deps.installation,
    attach: {
      kind: config.terminal.attach,
      scrollbackLines: config.terminal.scrollbackLines,
      podmanBinary: 'podman',
      env: config.podman.clientEnv,
    },
  });
  return { driver, images, close: () => podman.close() };
}

/**
 * Without a Podman API socket the server starts the service itself (when `podman` is
 * installed), and says so; the drivers then find it as usual.
 */
export async function startRuntimeIfMissing(config: Config, clock: Clock, log: Logger) {
  const { socketPath } = config.podman;
  const started = await ensurePodmanService({
    socketPath,
    binary: 'podman',
    env: config.podman.clientEnv,
    clock,
  });
  if (started.outcome === 'started')
    log.warn(
      { socket: socketPath, pid: started.pid },
      'no Podman API socket: started `podman system service` for it; with systemd, `systemctl --user enable --now podman.socket` starts it on demand instead',
    );
  if (started.outcome === 'unavailable')
    log.warn(
      { socket: socketPath, why: started.why },
      'no Podman API socket, and none could be started',
    );
}
