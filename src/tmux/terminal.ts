/** A terminal's size in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/**
 * One attached terminal: a tmux client inside a workspace. Its output starts with the
 * session's history and screen, then follows what programs write. Closing it detaches; the
 * tmux session and everything running in it stay.
 */
export interface Terminal {
  /** Terminal output, as raw bytes. */
  onData(listener: (chunk: Buffer) => void): void;
  /** The attachment ended: the tmux client exited or the connection to it broke. */
  onExit(listener: () => void): void;
  /**
   * Terminal input (keystrokes, pasted text), delivered whole and in order. Returns false
   * once the input is backing up: write more only after `onDrain`.
   */
  write(data: Buffer | string): boolean;
  /** The input that backed up has gone through. */
  onDrain(listener: () => void): void;
  /**
   * Asks for a new size. Resolves once asked; the program sees the size shortly after
   * (tmux redraws on its own time, and the pty driver's podman client forwards it when it
   * handles SIGWINCH), so output already on its way may still be at the old size.
   */
  resize(size: TerminalSize): Promise<void>;
  /** Stops reading output until `resume`, so that a slow client holds the program back. */
  pause(): void;
  resume(): void;
  /** Detaches: the tmux client ends (no client is left behind); the session stays. */
  close(): void;
}

export interface AttachOptions {
  /** The tmux session to attach to, created when missing. */
  session: string;
  size: TerminalSize;
  /** A line above the first prompt when the session is missing and a new shell is made. */
  newShellBanner?: string;
}
