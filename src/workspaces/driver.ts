import type { AttachOptions, Terminal } from '../tmux/terminal.js';

export type WorkspaceState = 'absent' | 'running' | 'stopped';

/** What the runtime says of one user's workspace. */
export interface WorkspaceStatus {
  userId: string;
  container: string;
  volume: string;
  state: WorkspaceState;
  containerId?: string;
  /** The image the workspace was created from, by id: older than the current one is outdated. */
  imageId?: string;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  /** Ended on its own with an error (not by a graceful stop); the runtime may restart it. */
  crashed: boolean;
  /** Why the runtime gave up on the workspace (e.g. its systemd unit failed), when it did. */
  failure?: string;
  createdAt?: Date;
  /** The workspace's labels; cleanup touches nothing without `claude-web.managed=true`. */
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

/** How every workspace is made: image, limits and the image user's home. */
export interface WorkspaceSettings {
  image: string;
  /** Limits; an absent one is not set (hosts without the cgroup controller refuse it). */
  memoryBytes?: number;
  cpus?: number;
  pidsLimit?: number;
  /** Seconds between SIGTERM and SIGKILL when the workspace stops. */
  stopTimeoutSeconds: number;
  /** Where the home is mounted: the home of the image's user. */
  home: string;
  /** The image user's uid and gid, which the account's own ids map to. */
  uid: number;
  gid: number;
  /** WORKSPACE_SUDO: whether sudo and apt work inside. */
  sudo: boolean;
  /** Labels everything the driver makes with the installation that made it. */
  installation?: string;
}

/** A user's home, which outlives the workspace. */
export interface Home {
  userId: string;
  /** The runtime's name for it (the volume `claude-web-user-{id}-data`). */
  name: string;
  /** Unknown when the runtime could not say. */
  sizeBytes?: number;
  /** The installation that made it; absent on homes made before installations were labelled. */
  installation?: string;
}

/** A workspace that ended, as the runtime reported it. */
export interface WorkspaceDeath {
  /** As labelled on the workspace: not necessarily a user of this server's database. */
  userId: string;
  container: string;
  /** The installation that made the workspace, as for `Home`. */
  installation?: string;
  exitCode?: number;
  at: Date;
  /** Where a later watch resumes: after this death. */
  cursor: string;
}

export interface DeathWatchOptions {
  /** Replays the deaths after this cursor (from an earlier watch) before following new ones. */
  after?: string;
  /** Ends the watch; iteration then finishes without an error. */
  signal: AbortSignal;
}

/**
 * One user's workspace: the container `claude-web-user-{id}` on the volume
 * `claude-web-user-{id}-data` (`claude-web-{installation}-user-{id}…` where another
 * installation on the account holds those names), and the only door to the runtime. Every
 * method taking a user id refuses an unsafe one (`workspace.invalid_user_id`) before
 * touching anything; nothing but `homes.remove` ever removes a home.
 */
export interface WorkspaceDriver {
  /** Which driver this is (`quadlet`, `libpod`…), for logs and operators. */
  readonly name: string;
  /** Creates what is missing, starts what is stopped; resolves once a process can be exec'd. */
  ensure(userId: string, options?: EnsureOptions): Promise<WorkspaceStatus>;
  /** Stops the workspace gracefully (its stop timeout); a no-op when not running. */
  stop(userId: string): Promise<void>;
  /** Stops and removes the workspace; keeps the home. A no-op when there is none. */
  remove(userId: string): Promise<void>;
  status(userId: string): Promise<WorkspaceStatus>;
  /** Every workspace claude-web manages, whatever its state. */
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
  /** Attaches a terminal to a tmux session of the running workspace (see `Terminal`). */
  attach(userId: string, options: AttachOptions): Promise<Terminal>;
  /** The last `tail` lines the workspace's init wrote; undefined when there is no workspace. */
  logs(userId: string, options: { tail: number }): Promise<string | undefined>;
  /**
   * Follows workspace deaths; resolves once later deaths are sure to be seen. Each death
   * is told once, and only those after `after` (or after the watch began). The watch may
   * end on its own (Podman ends a resumed stream when it rotates its events log): resuming
   * after the last cursor loses nothing.
   */
  deaths(options: DeathWatchOptions): Promise<AsyncIterable<WorkspaceDeath>>;
  homes: {
    /** Every home claude-web made, with its size where the runtime can tell. */
    list(): Promise<Home[]>;
    /** The user's home, without its size; undefined when there is none. */
    get(userId: string): Promise<Home | undefined>;
    /** Deletes the home for good; the caller makes sure no workspace uses it. */
    remove(userId: string): Promise<void>;
  };
  /** The id of the image new workspaces get; undefined while there is none. */
  currentImage(): Promise<string | undefined>;
  /** Resolves when the runtime answers. */
  ping(): Promise<void>;
}
