import { spawn } from 'node-pty';
import type { Clock } from '../clock/clock.js';
import { attachControl } from '../tmux/control-terminal.js';
import { TERMINAL_ENV, TERMINAL_USER, tmuxControlCommand } from '../tmux/tmux.js';
import type { AttachToContainer } from './attach-driver.js';

/**
 * Attaches by running `podman exec -it` (the remote client, on the same API socket) in a
 * local pseudo-terminal, with the tmux control client inside (`-CC`, which turns the
 * terminal's echo off). About 35 MB per attached terminal for the podman client process;
 * kept for hosts where attaching through the API misbehaves.
 */
export interface PtyAttachDeps {
  socketPath: string;
  podmanBinary: string;
  /** The environment of the podman client (PATH, HOME); nothing else is passed on. */
  env: Record<string, string>;
  clock: Clock;
  scrollbackLines: number;
}

export function createPtyAttach(deps: PtyAttachDeps): AttachToContainer {
  return async (container, { session, size, newShellBanner: banner }) => {
    const env = Object.entries(TERMINAL_ENV).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    const control = tmuxControlCommand({
      session,
      size,
      scrollbackLines: deps.scrollbackLines,
      flag: '-CC',
      banner,
    });
    const args = ['--remote', '--url', `unix://${deps.socketPath}`, 'exec', '-it'];
    const pty = spawn(
      deps.podmanBinary,
      [...args, '--user', TERMINAL_USER, ...env, container, ...control],
      // Wide enough that no command line of ours wraps in the terminal in between.
      { name: 'xterm', cols: 4096, rows: 24, encoding: null, env: deps.env },
    );
    let exited = false;
    pty.onExit(() => {
      exited = true;
    });
    return attachControl(
      {
        write: (text) => {
          if (!exited) pty.write(text);
          return true;
        },
        onDrain: () => {},
        onData: (listener) =>
          pty.onData((chunk) => listener(Buffer.from(chunk as unknown as Uint8Array))),
        onClose: (listener) => {
          if (exited) listener();
          else pty.onExit(() => listener());
        },
        pause: () => pty.pause(),
        resume: () => pty.resume(),
        end: () => {},
        destroy: () => {
          if (!exited) pty.kill('SIGHUP');
        },
      },
      { size, clock: deps.clock },
    );
  };
}
