import type { PodmanClient } from '../podman/client.js';
import type { AttachDriver, Terminal } from './terminal.js';
import { TERMINAL_ENV, TERMINAL_USER, tmuxAttachCommand } from './tmux.js';

/**
 * Attaches through the libpod API: an exec session with a TTY whose stream is a hijacked
 * connection on the API socket. Costs one conmon (about 2 MB) per attached terminal.
 */
export function createExecAttachDriver({ podman }: { podman: PodmanClient }): AttachDriver {
  return {
    kind: 'exec',
    async attach({ container, session, size }) {
      const execId = await podman.exec.create(container, {
        cmd: tmuxAttachCommand(session),
        tty: true,
        stdin: true,
        user: TERMINAL_USER,
        env: TERMINAL_ENV,
      });
      const stream = await podman.exec.startTty(execId, size);
      const terminal: Terminal = {
        onData: (listener) => stream.on('data', listener),
        onExit: (listener) => stream.once('close', listener),
        write: (data) => {
          if (!stream.destroyed) stream.write(data);
        },
        resize: (next) => podman.exec.resize(execId, next),
        pause: () => stream.pause(),
        resume: () => stream.resume(),
        close: () => stream.destroy(),
      };
      return terminal;
    },
  };
}
