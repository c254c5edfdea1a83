import type { Terminal } from '../../src/terminals/terminal.js';

/** Everything a terminal printed, and a way to wait for something to appear in it. */
export function watch(terminal: Terminal) {
  let text = '';
  let bytes = 0;
  const waiters = new Set<() => void>();
  terminal.onData((chunk) => {
    bytes += chunk.length;
    text += chunk.toString('utf8');
    for (const check of waiters) check();
  });
  return {
    text: () => text,
    bytes: () => bytes,
    /** Resolves when `pattern` matches the output; fails after `timeoutMs`. */
    waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(text)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no ${pattern} within ${timeoutMs} ms; the screen had ${JSON.stringify(text.slice(-400))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
