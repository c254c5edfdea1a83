import { unlessMissing } from './errors.js';
import { encodeFilters, exactNamePattern } from './filters.js';
import { demultiplex } from './multiplexed-stream.js';
import type { Transport } from './transport.js';
import type { ContainerInspect, ContainerSummary, SpecGenerator } from './types.js';

export interface ListContainersOptions {
  /** `key` or `key=value`; a container must carry all of them. */
  labels?: string[];
  /** Exact container name (not a pattern). */
  name?: string;
  /** Podman states: created, running, paused, exited, stopped, … */
  status?: string[];
}

export interface ContainersApi {
  /** All containers, running or not, that match every given filter. */
  list(options?: ListContainersOptions): Promise<ContainerSummary[]>;
  /** The container with exactly this name, or undefined. */
  findByName(name: string): Promise<ContainerSummary | undefined>;
  inspect(nameOrId: string): Promise<ContainerInspect>;
  exists(nameOrId: string): Promise<boolean>;
  create(spec: SpecGenerator): Promise<{ id: string; warnings: string[] }>;
  /** Resolves when started, or when it was running already. */
  start(nameOrId: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`; resolves when stopped or already so. */
  stop(nameOrId: string, options?: { timeoutSeconds?: number }): Promise<void>;
  /** The last `tail` lines the container wrote, stdout and stderr in order. */
  logs(nameOrId: string, options?: { tail?: number }): Promise<string>;
  /** Sends a signal (default SIGKILL) to the container's init; 409 when it is not running. */
  kill(nameOrId: string, signal?: string): Promise<void>;
  /** Removes the container (404 if there is none); named volumes are never removed with it. */
  remove(nameOrId: string, options?: { force?: boolean; timeoutSeconds?: number }): Promise<void>;
}

export function createContainersApi(transport: Transport): ContainersApi {
  const path = (nameOrId: string) => `/containers/${encodeURIComponent(nameOrId)}`;

  const list: ContainersApi['list'] = (options = {}) =>
    transport.json<ContainerSummary[]>({
      path: '/containers/json',
      query: {
        all: true,
        filters: encodeFilters({
          label: options.labels,
          name: options.name === undefined ? undefined : [exactNamePattern(options.name)],
          status: options.status,
        }),
      },
    });

  const inspect: ContainersApi['inspect'] = (nameOrId) =>
    transport.json<ContainerInspect>({ path: `${path(nameOrId)}/json` });

  return {
    list,
    // One container's inspect, not a filtered list: a list takes every container in
    // turn, and costs Podman about three times as much with 20 containers (200 at once:
    // 0.9-1.2 s against 0.3 s), at every attach. An id whose prefix is the name is no match.
    async findByName(name) {
      const found = await unlessMissing(inspect(name));
      return found?.Name === name ? summaryOf(found) : undefined;
    },
    inspect,
    async exists(nameOrId) {
      const status = await transport.empty({ path: `${path(nameOrId)}/exists`, accept: [404] });
      return status === 204;
    },
    async create(spec) {
      const created = await transport.json<{ Id: string; Warnings: string[] | null }>({
        method: 'POST',
        path: '/containers/create',
        body: spec,
        // The first container of an image in a user namespace copies the image's files.
        slow: true,
      });
      return { id: created.Id, warnings: created.Warnings ?? [] };
    },
    async start(nameOrId) {
      await transport.empty({ method: 'POST', path: `${path(nameOrId)}/start`, accept: [304] });
    },
    async stop(nameOrId, options = {}) {
      await transport.empty({
        method: 'POST',
        path: `${path(nameOrId)}/stop`,
        query: { timeout: options.timeoutSeconds },
        accept: [304],
        waitSeconds: options.timeoutSeconds,
      });
    },
    async logs(nameOrId, options = {}) {
      const res = await transport.stream({
        path: `${path(nameOrId)}/logs`,
        query: { stdout: true, stderr: true, tail: options.tail ?? 100 },
      });
      return (await demultiplex(res.body)).combined;
    },
    async kill(nameOrId, signal = 'SIGKILL') {
      await transport.empty({ method: 'POST', path: `${path(nameOrId)}/kill`, query: { signal } });
    },
    async remove(nameOrId, options = {}) {
      await transport.empty({
        method: 'DELETE',
        path: path(nameOrId),
        query: { force: options.force, timeout: options.timeoutSeconds },
        waitSeconds: options.timeoutSeconds,
      });
    },
  };
}

/** An inspect in the shape of a list entry; times as Unix seconds, "never" below zero. */
function summaryOf(found: ContainerInspect): ContainerSummary {
  const seconds = (time: string) => Math.floor(Date.parse(time) / 1000);
  return {
    Id: found.Id,
    Names: [found.Name],
    Image: found.ImageName,
    ImageID: found.Image,
    State: found.State.Status,
    Labels: found.Config.Labels,
    Created: found.Created,
    StartedAt: seconds(found.State.StartedAt),
    ExitedAt: seconds(found.State.FinishedAt),
    ExitCode: found.State.ExitCode,
    Exited: found.State.Status === 'exited',
    Pid: found.State.Pid,
  };
}
