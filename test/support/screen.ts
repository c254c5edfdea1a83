import type { Terminal } from '../../src/tmux/terminal.js';

/** bash's prompt in the workspace image, in raw output: whatever colour sequences surround it. */
export const OUTPUT_PROMPT = /developer@\w+\S*:\S*~\S*\$ /;

/** Text that grows as output arrives, and a way to wait for something to appear in it. */
export function growingText(defaultTimeoutMs: number) {
  let text = '';
  const waiters = new Set<() => void>();
  return {
    append(chunk: string) {
      text += chunk;
      for (const check of waiters) check();
    },
    text: () => text,
    /** Resolves when `pattern` matches the text; fails after `timeoutMs`. */
    waitFor(pattern: RegExp, timeoutMs = defaultTimeoutMs): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(text)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const had = JSON.stringify(text.slice(-400));
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; the screen had ${had}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Everything a terminal printed, and a way to wait for something to appear in it. */
export function watch(terminal: Terminal) {
  const screen = growingText(15_000);
  let bytes = 0;
  terminal.onData((chunk) => {
    bytes += chunk.length;
    screen.append(chunk.toString('utf8'));
  });
  return { text: screen.text, bytes: () => bytes, waitFor: screen.waitFor };
}
