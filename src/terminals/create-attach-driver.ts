import type { Clock } from '../clock/clock.js';
import type { PodmanClient } from '../podman/client.js';
import { createExecAttachDriver } from './exec-attach.js';
import { createPtyAttachDriver } from './pty-attach.js';
import type { AttachDriver } from './terminal.js';

export interface CreateAttachDriverDeps {
  kind: AttachDriver['kind'];
  podman: PodmanClient;
  podmanBinary: string;
  env: Record<string, string>;
  clock: Clock;
  /** Lines of history each session keeps, and every attach restores. */
  scrollbackLines: number;
}

/** The one place that chooses how terminals attach. */
export function createAttachDriver(deps: CreateAttachDriverDeps): AttachDriver {
  switch (deps.kind) {
    case 'exec':
      return createExecAttachDriver(deps);
    case 'pty':
      return createPtyAttachDriver({ ...deps, socketPath: deps.podman.socketPath });
  }
}
