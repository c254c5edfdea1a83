import { join } from 'node:path';
import { systemClock } from '../../src/clock/clock.js';
import { createPodmanClient, type PodmanClient } from '../../src/podman/client.js';
import type { WorkspaceDriver, WorkspaceSettings } from '../../src/workspaces/driver.js';
import { createLibpodDriver } from '../../src/workspaces/libpod-driver.js';
import { createQuadletDriver } from '../../src/workspaces/quadlet-driver.js';
import { serializePerUser } from '../../src/workspaces/serialized.js';
import { realPodman, testImage } from './podman.js';
import { HOST_USER, type SystemdHost, systemdHost } from './systemd-host.js';

export const driverSettings: WorkspaceSettings = {
  image: testImage,
  memoryBytes: 512 * 1024 ** 2,
  cpus: 1,
  pidsLimit: 512,
  stopTimeoutSeconds: 5,
  sudo: true,
  home: '/home/developer',
  uid: 1000,
  gid: 1000,
  installation: 'contract',
};

export interface Subject {
  driver: WorkspaceDriver;
  podman: PodmanClient;
  /** The systemd test host, for the quadlet driver. */
  host?: SystemdHost;
}
/** A driver of one kind; `overrides` change its settings (another installation, say). */
export type Factory = [
  kind: string,
  make: (overrides?: Partial<WorkspaceSettings>) => Promise<Subject>,
];

const libpod = (podman: PodmanClient, settings: WorkspaceSettings): Factory => [
  'libpod on Podman 4.3 without systemd',
  async (overrides = {}) => ({
    podman,
    driver: serializePerUser(
      createLibpodDriver({ podman, clock: systemClock, settings: { ...settings, ...overrides } }),
    ),
  }),
];

const quadlet = (host: SystemdHost, settings: WorkspaceSettings): Factory => [
  'quadlet on Podman 5 under systemd --user',
  async (overrides = {}) => {
    const unitDir = `${HOST_USER.home}/.config/containers/systemd`;
    await host.user(['mkdir', '-p', unitDir]);
    const podman = createPodmanClient({ socketPath: host.podmanSocket() });
    // The test host has no memory, CPU or pids controller to enforce limits with.
    const unlimited = {
      ...settings,
      ...overrides,
      memoryBytes: undefined,
      cpus: undefined,
      pidsLimit: undefined,
    };
    const driver = createQuadletDriver({
      podman,
      clock: systemClock,
      settings: unlimited,
      systemctl: host.systemctl,
      unitDir: join(host.root, unitDir),
    });
    return { podman, host, driver: serializePerUser(driver) };
  },
];

/**
 * Both workspace drivers on real Podman: libpod here, quadlet on the systemd test host;
 * `overrides` change the settings of both (another image, say).
 */
export async function workspaceDrivers(
  overrides: Partial<WorkspaceSettings> = {},
): Promise<Factory[]> {
  const podman = await realPodman();
  const host = await systemdHost();
  const settings = { ...driverSettings, ...overrides };
  return [
    ...(podman ? [libpod(podman, settings)] : []),
    ...(host ? [quadlet(host, settings)] : []),
  ];
}
