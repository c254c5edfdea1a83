import { spawn } from 'node-pty';
import type { AttachDriver, Terminal } from './terminal.js';
import { TERMINAL_ENV, TERMINAL_USER, tmuxAttachCommand } from './tmux.js';

/**
 * Attaches by running `podman exec -it` (the remote client, on the same API socket) in a
 * local pseudo-terminal. About 35 MB per attached terminal for the podman client process;
 * kept for hosts where attaching through the API misbehaves.
 */
export interface PtyAttachDeps {
  socketPath: string;
  podmanBinary: string;
  /** The environment of the podman client (PATH, HOME); nothing else is passed on. */
  env: Record<string, string>;
}

export function createPtyAttachDriver({
  socketPath,
  podmanBinary,
  env: clientEnv,
}: PtyAttachDeps): AttachDriver {
  return {
    kind: 'pty',
    async attach({ container, session, size }) {
      const env = Object.entries(TERMINAL_ENV).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
      const args = [
        '--remote',
        '--url',
        `unix://${socketPath}`,
        'exec',
        '-it',
        '--user',
        TERMINAL_USER,
        ...env,
        container,
      ];
      const pty = spawn(podmanBinary, [...args, ...tmuxAttachCommand(session)], {
        name: TERMINAL_ENV.TERM,
        cols: size.cols,
        rows: size.rows,
        encoding: null,
        env: clientEnv,
      });
      let exited = false;
      pty.onExit(() => {
        exited = true;
      });
      const terminal: Terminal = {
        onData: (listener) => {
          pty.onData((chunk) => listener(Buffer.from(chunk as unknown as Uint8Array)));
        },
        onExit: (listener) => {
          pty.onExit(() => listener());
        },
        write: (data) => {
          if (!exited) pty.write(data);
        },
        resize: async (next) => {
          if (!exited) pty.resize(next.cols, next.rows);
        },
        pause: () => pty.pause(),
        resume: () => pty.resume(),
        close: () => {
          if (!exited) pty.kill('SIGHUP');
        },
      };
      return terminal;
    },
  };
}
