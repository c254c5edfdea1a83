/** One `Key=value` line of a unit file; a list value repeats the key. */
export type Entry<S> = [
  section: string,
  key: string,
  value: (spec: S) => string | string[] | undefined,
];

/**
 * Renders a systemd-style unit from a key table: sections in the order they first appear,
 * keys in table order. `%` is doubled so that systemd does not expand it as a specifier.
 */
export function renderUnit<S>(header: string, entries: Entry<S>[], spec: S): string {
  const sections = new Map<string, string[]>();
  for (const [section, key, value] of entries) {
    const values = value(spec);
    if (values === undefined) continue;
    const lines = sections.get(section) ?? [];
    for (const v of Array.isArray(values) ? values : [values])
      lines.push(`${key}=${unitValue(v, key)}`);
    sections.set(section, lines);
  }
  const body = [...sections].map(([section, lines]) => [`[${section}]`, ...lines].join('\n'));
  return `${header
    .split('\n')
    .map((line) => `# ${line}`)
    .join('\n')}\n${body.join('\n\n')}\n`;
}

function unitValue(value: string, key: string): string {
  if (/[\n\r]/.test(value)) throw new Error(`a unit value cannot span lines (${key})`);
  return value.replaceAll('%', '%%');
}
