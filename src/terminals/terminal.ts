import type { TerminalSize } from '../podman/types.js';

export type { TerminalSize };

/**
 * One attached terminal: a tmux client inside a workspace. Closing it detaches; the tmux
 * session and everything running in it stay.
 */
export interface Terminal {
  /** Terminal output, as raw bytes. */
  onData(listener: (chunk: Buffer) => void): void;
  /** The attachment ended: the tmux client exited or the connection to it broke. */
  onExit(listener: () => void): void;
  /** Terminal input (keystrokes, pasted text). */
  write(data: Buffer | string): void;
  /**
   * Asks for a new size. Resolves once asked; the program sees the size shortly after
   * (tmux redraws on its own time, and the pty driver's podman client forwards it when it
   * handles SIGWINCH), so output already on its way may still be at the old size.
   */
  resize(size: TerminalSize): Promise<void>;
  /** Stops reading output until `resume`, so that a slow client holds the program back. */
  pause(): void;
  resume(): void;
  /** Detaches. */
  close(): void;
}

export interface AttachOptions {
  container: string;
  /** The tmux session to attach to, created when missing. */
  session: string;
  size: TerminalSize;
}

export interface AttachDriver {
  readonly kind: 'exec' | 'pty';
  attach(options: AttachOptions): Promise<Terminal>;
}
