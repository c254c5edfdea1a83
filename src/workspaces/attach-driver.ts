import type { Clock } from '../clock/clock.js';
import type { PodmanClient } from '../podman/client.js';
import type { AttachOptions, Terminal } from '../tmux/terminal.js';
import { createExecAttach } from './attach-exec.js';
import { createPtyAttach } from './attach-pty.js';

/** How the Podman drivers attach terminals: through the API (`exec`) or a `podman` client (`pty`). */
export type AttachKind = 'exec' | 'pty';

/** Attaches a terminal to a tmux session in a running container, by the container's name. */
export type AttachToContainer = (container: string, options: AttachOptions) => Promise<Terminal>;

/** How a Podman driver attaches terminals: TERMINAL_ATTACH and the tmux sessions' history. */
export interface AttachSettings {
  kind: AttachKind;
  /** Lines of history each session keeps, and every attach restores. */
  scrollbackLines: number;
  /** The `podman` command and its environment (PATH, HOME), for the pty kind. */
  podmanBinary: string;
  env: Record<string, string>;
}

/** Through the API, with TERMINAL_SCROLLBACK_LINES' default. */
export const DEFAULT_ATTACH: AttachSettings = {
  kind: 'exec',
  scrollbackLines: 10_000,
  podmanBinary: 'podman',
  env: {},
};

/** The one place that chooses how terminals attach. */
export function createAttach(
  deps: AttachSettings & { podman: PodmanClient; clock: Clock },
): AttachToContainer {
  switch (deps.kind) {
    case 'exec':
      return createExecAttach(deps);
    case 'pty':
      return createPtyAttach({ ...deps, socketPath: deps.podman.socketPath });
  }
}
