import { encodeFilters, hasLabels } from './filters.js';
import type { Transport } from './transport.js';
import type { VolumeInfo } from './types.js';

export interface VolumesApi {
  create(name: string, options?: { labels?: Record<string, string> }): Promise<VolumeInfo>;
  inspect(name: string): Promise<VolumeInfo>;
  exists(name: string): Promise<boolean>;
  /** Volumes carrying every given `key` or `key=value` label. */
  list(options?: { labels?: string[] }): Promise<VolumeInfo[]>;
  /** Deletes the volume and its data. 409 while a container uses it, unless `force`. */
  remove(name: string, options?: { force?: boolean }): Promise<void>;
}

export function createVolumesApi(transport: Transport): VolumesApi {
  const path = (name: string) => `/volumes/${encodeURIComponent(name)}`;
  return {
    create: (name, options = {}) =>
      transport.json<VolumeInfo>({
        method: 'POST',
        path: '/volumes/create',
        body: { Name: name, Labels: options.labels ?? {} },
      }),
    inspect: (name) => transport.json<VolumeInfo>({ path: `${path(name)}/json` }),
    async exists(name) {
      return (await transport.empty({ path: `${path(name)}/exists`, accept: [404] })) === 204;
    },
    async list(options = {}) {
      const labels = options.labels ?? [];
      const volumes = await transport.json<VolumeInfo[]>({
        path: '/volumes/json',
        query: { filters: encodeFilters({ label: labels }) },
      });
      // Podman 4.3 matches volumes carrying any one of several labels; we promise all.
      return volumes.filter((v) => hasLabels(v.Labels, labels));
    },
    async remove(name, options = {}) {
      await transport.empty({
        method: 'DELETE',
        path: path(name),
        query: { force: options.force },
        slow: true,
      });
    },
  };
}
