/** libpod's `filters` query parameter: a JSON object of string lists. */
export type Filters = Record<string, string[] | undefined>;

export function encodeFilters(filters: Filters): string | undefined {
  const present = Object.entries(filters).filter(
    (entry): entry is [string, string[]] => entry[1] !== undefined && entry[1].length > 0,
  );
  return present.length > 0 ? JSON.stringify(Object.fromEntries(present)) : undefined;
}

/**
 * Podman matches the `name` filter as a regular expression, so `claude-web-user-1` alone
 * would also find `claude-web-user-10`. This pattern matches exactly one name.
 */
export function exactNamePattern(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/** Whether `labels` carry every `key` or `key=value` in `wanted`. */
export function hasLabels(labels: Record<string, string> | null, wanted: string[]): boolean {
  return wanted.every((filter) => {
    const [key = '', value] = filter.split(/=(.*)/s);
    return labels?.[key] !== undefined && (value === undefined || labels[key] === value);
  });
}
