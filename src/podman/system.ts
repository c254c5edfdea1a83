import type { Transport } from './transport.js';

export interface VolumeUsage {
  VolumeName: string;
  /** Containers using it. */
  Links: number;
  Size: number;
}

export interface SystemApi {
  /** Disk usage; Podman measures every volume, so this is slow on large homes. */
  volumeUsage(): Promise<VolumeUsage[]>;
}

export function createSystemApi(transport: Transport): SystemApi {
  return {
    async volumeUsage() {
      const df = await transport.json<{ Volumes: VolumeUsage[] | null }>({
        path: '/system/df',
        slow: true,
      });
      return df.Volumes ?? [];
    },
  };
}
