import type { Terminal, TerminalSize } from '../../src/tmux/terminal.js';

/** What a session keeps between attaches: everything it printed. */
export interface MemorySession {
  output: Buffer[];
}

/**
 * A terminal that echoes its input, as a shell at its prompt does, into a session that
 * keeps what it printed: an attach starts with that history. For tests of what sits above
 * a terminal (the bridge, the socket routes) without a workspace.
 */
export function createMemoryTerminal(session: MemorySession, size: TerminalSize) {
  const dataListeners: ((chunk: Buffer) => void)[] = [];
  const exitListeners: (() => void)[] = [];
  const drainListeners: (() => void)[] = [];
  const held: Buffer[] = [];
  const state = { size, paused: false, closed: false, written: [] as string[] };

  function emit(chunk: Buffer) {
    if (state.closed) return;
    if (state.paused) held.push(chunk);
    else for (const listener of dataListeners) listener(chunk);
  }
  /** Prints as a program in the session would. */
  function print(text: string) {
    const chunk = Buffer.from(text);
    session.output.push(chunk);
    emit(chunk);
  }
  const terminal: Terminal = {
    onData(listener) {
      dataListeners.push(listener);
      if (dataListeners.length === 1) for (const chunk of session.output) listener(chunk);
    },
    onExit: (listener) => void exitListeners.push(listener),
    write(data) {
      if (state.closed) return false;
      state.written.push(data.toString());
      print(data.toString());
      return true;
    },
    onDrain: (listener) => void drainListeners.push(listener),
    async resize(next) {
      state.size = next;
    },
    pause: () => {
      state.paused = true;
    },
    resume: () => {
      state.paused = false;
      for (const chunk of held.splice(0)) emit(chunk);
    },
    close() {
      if (state.closed) return;
      state.closed = true;
      for (const listener of exitListeners) listener();
    },
  };
  return { terminal, state, print };
}
