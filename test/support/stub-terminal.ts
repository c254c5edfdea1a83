import type { Terminal } from '../../src/tmux/terminal.js';

/** A terminal that does nothing and takes everything, but for what `overrides` gives it. */
export function stubTerminal(overrides: Partial<Terminal> = {}): Terminal {
  return {
    onData: () => {},
    onExit: () => {},
    write: () => true,
    onDrain: () => {},
    resize: async () => {},
    pause: () => {},
    resume: () => {},
    close: () => {},
    ...overrides,
  };
}
