import { type ContainersApi, createContainersApi } from './containers.js';
import { type EventsOptions, followEvents } from './events.js';
import { createExecApi, type ExecApi } from './exec.js';
import { createImagesApi, type ImagesApi } from './images.js';
import { createSystemApi, type SystemApi } from './system.js';
import { createTransport, type TransportOptions } from './transport.js';
import type { PodmanEvent, VersionInfo } from './types.js';
import { createVolumesApi, type VolumesApi } from './volumes.js';

/**
 * Typed access to one Podman libpod API socket. Every failure is an `AppError`:
 * `PodmanError` (with Podman's status and message) for an answer, `podman.unreachable`
 * when nothing answered.
 */
export interface PodmanClient {
  readonly socketPath: string;
  ping(): Promise<void>;
  version(): Promise<VersionInfo>;
  containers: ContainersApi;
  exec: ExecApi;
  volumes: VolumesApi;
  images: ImagesApi;
  system: SystemApi;
  events(options?: EventsOptions): Promise<AsyncIterable<PodmanEvent>>;
  close(): Promise<void>;
}

export function createPodmanClient(options: TransportOptions): PodmanClient {
  const { socketPath } = options;
  const transport = createTransport(options);
  return {
    socketPath,
    async ping() {
      await transport.empty({ path: '/_ping' });
    },
    version: () => transport.json<VersionInfo>({ path: '/version' }),
    containers: createContainersApi(transport),
    exec: createExecApi(transport),
    volumes: createVolumesApi(transport),
    images: createImagesApi(transport),
    system: createSystemApi(transport),
    events: (options) => followEvents(transport, options),
    close: () => transport.close(),
  };
}
