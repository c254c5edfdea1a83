import type { Clock } from '../clock/clock.js';
import type { PodmanClient } from '../podman/client.js';
import { createDemultiplexer } from '../podman/multiplexed-stream.js';
import { attachControl } from '../tmux/control-terminal.js';
import { TERMINAL_ENV, TERMINAL_USER, tmuxControlCommand } from '../tmux/tmux.js';
import type { AttachToContainer } from './attach-driver.js';

/**
 * Attaches through the libpod API: an exec session without a TTY runs the tmux control
 * client, over a hijacked connection on the API socket. Costs one conmon (about 2 MB) per
 * attached terminal, for as long as it is attached.
 */
export function createExecAttach({
  podman,
  clock,
  scrollbackLines,
}: {
  podman: PodmanClient;
  clock: Clock;
  scrollbackLines: number;
}): AttachToContainer {
  return async (container, { session, size, newShellBanner: banner }) => {
    const cmd = tmuxControlCommand({ session, size, scrollbackLines, flag: '-C', banner });
    const execId = await podman.exec.create(container, {
      cmd,
      tty: false,
      stdin: true,
      user: TERMINAL_USER,
      env: TERMINAL_ENV,
    });
    const stream = await podman.exec.start(execId);
    return attachControl(
      {
        write: (text) => !stream.destroyed && stream.write(text),
        onDrain: (listener) => stream.on('drain', listener),
        onData: (listener) =>
          stream.on(
            'data',
            createDemultiplexer((kind, payload) => {
              if (kind === 'stdout') listener(payload);
            }),
          ),
        onClose: (listener) => stream.once('close', listener),
        pause: () => stream.pause(),
        resume: () => stream.resume(),
        end: () => stream.end(),
        destroy: () => stream.destroy(),
      },
      { size, clock },
    );
  };
}
