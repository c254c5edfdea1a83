/** Where commands print: aligned tables for people, JSON for scripts. */
export interface Output {
  line(text: string): undefined;
  /** Text as it is, such as a container's log. */
  text(text: string): void;
  /** Returns undefined so that a command can end with `return out.json(…)`. */
  json(value: unknown): undefined;
  table(headers: string[], rows: string[][]): void;
}

export function createOutput(write: (text: string) => void): Output {
  return {
    line(text) {
      write(`${text}\n`);
      return undefined;
    },
    text(text) {
      write(text);
    },
    json(value) {
      write(`${JSON.stringify(value, null, 2)}\n`);
      return undefined;
    },
    table(headers, rows) {
      const widths = headers.map((h, i) =>
        Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
      );
      for (const row of [headers, ...rows]) {
        write(
          `${row
            .map((cell, i) => cell.padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd()}\n`,
        );
      }
    },
  };
}
