/**
 * What happened since the server started, counted for /metrics. Every counter is named and
 * described here; a sample's labels are few and bounded (error codes, outcomes), never
 * user input.
 */
export const COUNTERS = {
  claude_web_attach_failures_total: 'Terminal attaches that failed, by error code.',
  claude_web_resize_failures_total: 'Terminal resizes that failed.',
  claude_web_flow_pauses_total:
    'Times a terminal was paused because its browser fell behind reading its output.',
  claude_web_image_builds_total: 'Builds of the workspace image, by outcome (ok or failed).',
  claude_web_runtime_outages_total:
    'Times the container runtime stopped answering after it had answered.',
} as const;

export type CounterName = keyof typeof COUNTERS;

export interface Counters {
  add(name: CounterName, labels?: Record<string, string>): void;
  /** Every counter with its samples (`{labels}` → value), in the order of `COUNTERS`. */
  samples(): { name: CounterName; help: string; values: [labels: string, value: number][] }[];
}

// Label names are ASCII identifiers: plain code-unit order, without the collation of
// localeCompare, whose first use maps in 2.6-3.7 MB more of the Node binary (ICU).
const byName = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

const labelText = (labels: Record<string, string>) => {
  const entries = Object.entries(labels).sort(byName);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
};

export function createCounters(): Counters {
  const values = new Map<CounterName, Map<string, number>>();
  return {
    add(name, labels = {}) {
      const byLabels = values.get(name) ?? new Map<string, number>();
      const key = labelText(labels);
      byLabels.set(key, (byLabels.get(key) ?? 0) + 1);
      values.set(name, byLabels);
    },
    samples: () =>
      (Object.keys(COUNTERS) as CounterName[]).map((name) => ({
        name,
        help: COUNTERS[name],
        values: [...(values.get(name) ?? new Map([['', 0]]))],
      })),
  };
}
