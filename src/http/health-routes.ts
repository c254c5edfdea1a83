import { Hono } from 'hono';
import type { CleanupStatus } from '../cleanup/schedule.js';
import type { Clock } from '../clock/clock.js';
import type { SessionStatus } from '../db/sessions-repository.js';
import type { Counters } from '../metrics/counters.js';
import type { WatcherHealth } from '../terminals/workspace-watcher.js';
import { type ReadinessCheck, runChecks } from './readiness.js';

export interface HealthDeps {
  clock: Clock;
  checks: ReadinessCheck[];
  version: string;
  /** The cleanup schedule, where this process runs one. */
  cleanup?: { status(): Promise<CleanupStatus> };
  sessionCounts?: () => Promise<Record<SessionStatus, number>>;
  /** The Podman event stream's state, where this process follows it. */
  events?: () => WatcherHealth;
  /** What happened since the start: failures, pauses, builds, outages. */
  counters?: Counters;
}

const OUTCOMES = ['running', 'ok', 'partial', 'failed'] as const;
const seconds = (date: Date | null | undefined) =>
  date ? String(date.getTime() / 1000) : undefined;

type Sample = [labels: string, value?: string];
interface Facts {
  cleanup?: CleanupStatus;
  counts?: Record<SessionStatus, number>;
  events?: WatcherHealth;
}

/** Every metric: its name, its help, its samples from what is known now, and its type. */
const gauges: [name: string, help: string, samples: (f: Facts) => Sample[], type?: 'counter'][] = [
  [
    'claude_web_cleanup_last_run_start_seconds',
    'Start of the latest cleanup run (Unix time).',
    (f) => [['', seconds(f.cleanup?.lastRun?.startedAt)]],
  ],
  [
    'claude_web_cleanup_last_run_end_seconds',
    'End of the latest cleanup run (Unix time).',
    (f) => [['', seconds(f.cleanup?.lastRun?.finishedAt)]],
  ],
  [
    'claude_web_cleanup_last_run_outcome',
    'Outcome of the latest cleanup run: 1 for the one it had.',
    ({ cleanup }) =>
      OUTCOMES.map((o) => [
        `{outcome="${o}"}`,
        cleanup?.lastRun && (cleanup.lastRun.outcome === o ? '1' : '0'),
      ]),
  ],
  [
    'claude_web_cleanup_next_run_seconds',
    'When the next scheduled cleanup run starts (Unix time).',
    (f) => [['', seconds(f.cleanup?.nextRunAt)]],
  ],
  [
    'claude_web_cleanup_running',
    'Whether a scheduled cleanup run is under way.',
    (f) => [['', f.cleanup && (f.cleanup.running ? '1' : '0')]],
  ],
  [
    'claude_web_cleanup_failed_runs_in_a_row',
    'Scheduled cleanup runs of this process that failed in a row (3 or more: not ready).',
    (f) => [['', f.cleanup && String(f.cleanup.failedInARow)]],
  ],
  [
    'claude_web_event_stream_up',
    'Whether the Podman event stream (deaths of workspaces) is followed right now.',
    (f) => [['', f.events && (f.events.up ? '1' : '0')]],
  ],
  [
    'claude_web_event_stream_breaks_total',
    'Times the Podman event stream broke since the server started.',
    (f) => [['', f.events && String(f.events.breaks)]],
    'counter',
  ],
  [
    'claude_web_sessions',
    'Terminal sessions by status.',
    (f) => Object.entries(f.counts ?? {}).map(([s, n]) => [`{status="${s}"}`, String(n)]),
  ],
];

/** Prometheus text exposition; a metric without a known value is left out. */
async function metrics(deps: HealthDeps): Promise<string> {
  // A database that does not answer leaves its metrics out; /readyz says why.
  const facts: Facts = {
    cleanup: await deps.cleanup?.status().catch(() => undefined),
    counts: await deps.sessionCounts?.().catch(() => undefined),
    events: deps.events?.(),
  };
  const lines = gauges.flatMap(([name, help, samples, type = 'gauge']) => {
    const known = samples(facts).filter(([, value]) => value !== undefined);
    if (known.length === 0) return [];
    const values = known.map(([labels, value]) => `${name}${labels} ${value}`);
    return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...values];
  });
  const counted = (deps.counters?.samples() ?? []).flatMap(({ name, help, values }) => [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} counter`,
    ...values.map(([labels, value]) => `${name}${labels} ${value}`),
  ]);
  return `${[...lines, ...counted].join('\n')}\n`;
}

/** /healthz (the process answers), /readyz (its dependencies do) and /metrics. */
export function healthRoutes(deps: HealthDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok', version: deps.version }));

  /** Readiness: every dependency answers; 503 names the ones that do not. */
  app.get('/readyz', async (c) => {
    const results = await runChecks(deps.checks, deps.clock, 5_000);
    const ready = results.every((r) => r.ok);
    const cleanup = await deps.cleanup?.status().catch(() => undefined);
    return c.json(
      { status: ready ? 'ready' : 'unavailable', checks: results, ...(cleanup && { cleanup }) },
      ready ? 200 : 503,
    );
  });

  app.get('/metrics', async (c) =>
    c.body(await metrics(deps), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    }),
  );
  return app;
}
