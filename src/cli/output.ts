/** Where commands print: aligned tables for people, JSON for scripts. */
export interface Output {
  line(text: string): void;
  json(value: unknown): void;
  table(headers: string[], rows: string[][]): void;
}

export function createOutput(write: (text: string) => void): Output {
  return {
    line: (text) => write(`${text}\n`),
    json: (value) => write(`${JSON.stringify(value, null, 2)}\n`),
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
