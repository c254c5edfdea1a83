import type { WorkspaceUnitSpec } from '../quadlet/workspace-units.js';

export type WorkspaceState = 'absent' | 'running' | 'stopped';

/** What Podman says of one user's workspace container. */
export interface WorkspaceStatus {
  userId: string;
  container: string;
  volume: string;
  state: WorkspaceState;
  containerId?: string;
  /** The image the container was created from, by id: older than the tag's is outdated. */
  imageId?: string;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  /** Ended on its own with an error (not by a graceful stop); Podman or systemd may restart it. */
  crashed: boolean;
  /** Set when systemd reports the workspace's unit `failed`. */
  unitFailed?: boolean;
  createdAt?: Date;
  /** The container's labels; cleanup touches nothing without `claude-web.managed=true`. */
  labels?: Record<string, string>;
}

/** A command run to completion in a workspace. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface EnsureOptions {
  /** Lines describing slow steps (building the image) while the person waits. */
  onProgress?: (line: string) => void;
}

/** How every workspace container is made: image, limits and the image user's home. */
export type WorkspaceSettings = Omit<WorkspaceUnitSpec, 'userId'>;

/**
 * One user's workspace: the container `claude-web-user-{id}` on the volume
 * `claude-web-user-{id}-data`. Every method refuses an unsafe user id
 * (`workspace.invalid_user_id`) before touching anything, and none ever removes the volume.
 */
export interface WorkspaceDriver {
  readonly kind: 'quadlet' | 'libpod';
  /** Creates what is missing, starts what is stopped; resolves once a process can be exec'd. */
  ensure(userId: string, options?: EnsureOptions): Promise<WorkspaceStatus>;
  /** Stops the container gracefully (its StopTimeout); a no-op when not running. */
  stop(userId: string): Promise<void>;
  /** Stops and removes the container; keeps the volume. A no-op when there is none. */
  remove(userId: string): Promise<void>;
  status(userId: string): Promise<WorkspaceStatus>;
  /** Every container claude-web manages, whatever its state. */
  list(): Promise<WorkspaceStatus[]>;
  /**
   * Runs `command` to completion in the user's workspace without a terminal, as `user` (the
   * image's default user otherwise); undefined when the workspace is not running.
   */
  run(
    userId: string,
    command: string[],
    options?: { user?: string },
  ): Promise<CommandResult | undefined>;
}
