/**
 * The parts of Podman's libpod API shapes that claude-web reads or sends, in Podman's own
 * field names (https://docs.podman.io/en/latest/_static/api.html).
 */

export interface VersionInfo {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  Os?: string;
  Arch?: string;
}

/** One entry of `GET /libpod/containers/json`. Times are unix seconds. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID?: string;
  State: string;
  Labels: Record<string, string> | null;
  Created: string;
  StartedAt: number;
  ExitedAt: number;
  ExitCode: number;
  Exited: boolean;
  Pid: number;
}

/** `GET /libpod/containers/{name}/json`. Times are RFC 3339; zero time means "never". */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  /** The image's id. */
  Image: string;
  ImageName: string;
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    OOMKilled: boolean;
    Dead: boolean;
    Pid: number;
    ExitCode: number;
    Error: string;
    StartedAt: string;
    FinishedAt: string;
  };
  Config: { Labels: Record<string, string> | null; User: string; StopTimeout?: number };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string }[];
}

export interface NamedVolumeMount {
  Name: string;
  Dest: string;
  Options?: string[];
}

/** The subset of libpod's SpecGenerator that claude-web uses to create containers. */
export interface SpecGenerator {
  name: string;
  image: string;
  command?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  labels?: Record<string, string>;
  user?: string;
  work_dir?: string;
  hostname?: string;
  volumes?: NamedVolumeMount[];
  restart_policy?: 'no' | 'on-failure' | 'always' | 'unless-stopped';
  restart_tries?: number;
  stop_timeout?: number;
  init?: boolean;
  resource_limits?: {
    memory?: { limit?: number };
    cpu?: { quota?: number; period?: number };
    pids?: { limit: number };
  };
  userns?: { nsmode: string; value?: string };
  netns?: { nsmode: string; value?: string };
  cap_drop?: string[];
  cap_add?: string[];
  no_new_privileges?: boolean;
}

export interface ExecCreateOptions {
  cmd: string[];
  tty: boolean;
  user?: string;
  env?: Record<string, string>;
  workingDir?: string;
  /** Attach stdin (interactive). Without a TTY, output is always attached. */
  stdin?: boolean;
}

export interface ExecInspect {
  ID: string;
  ContainerID: string;
  Running: boolean;
  ExitCode: number;
  Pid: number;
}

export interface TerminalSize {
  rows: number;
  cols: number;
}

export interface VolumeInfo {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string> | null;
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[] | null;
  Created: string;
  Size: number;
  Labels: Record<string, string> | null;
}

/** One line of `GET /libpod/events`. `Action` is e.g. `start`, `died`, `remove`. */
export interface PodmanEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano: number;
}
