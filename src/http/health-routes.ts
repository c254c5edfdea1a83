import { Hono } from 'hono';
import type { CleanupStatus } from '../cleanup/schedule.js';
import type { Clock } from '../clock/clock.js';
import type { SessionStatus } from '../db/sessions-repository.js';
import { type ReadinessCheck, runChecks } from './readiness.js';

export interface HealthDeps {
  clock: Clock;
  checks: ReadinessCheck[];
  version: string;
  /** The cleanup schedule, where this process runs one. */
  cleanup?: { status(): Promise<CleanupStatus> };
  sessionCounts?: () => Promise<Record<SessionStatus, number>>;
}

const OUTCOMES = ['running', 'ok', 'partial', 'failed'] as const;
const seconds = (date: Date | null | undefined) =>
  date ? String(date.getTime() / 1000) : undefined;

/** Prometheus text exposition: a HELP and TYPE line, then the samples, per metric. */
function gauge(name: string, help: string, samples: [labels: string, value?: string][]) {
  const lines = samples
    .filter(([, value]) => value !== undefined)
    .map(([labels, value]) => `${name}${labels} ${value}`);
  return lines.length === 0 ? [] : [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...lines];
}

async function metrics(deps: HealthDeps): Promise<string> {
  const cleanup = await deps.cleanup?.status();
  const last = cleanup?.lastRun;
  const counts = await deps.sessionCounts?.();
  return [
    ...gauge(
      'claude_web_cleanup_last_run_start_seconds',
      'Start of the latest cleanup run (Unix time).',
      [['', seconds(last?.startedAt)]],
    ),
    ...gauge(
      'claude_web_cleanup_last_run_end_seconds',
      'End of the latest cleanup run (Unix time).',
      [['', seconds(last?.finishedAt)]],
    ),
    ...gauge(
      'claude_web_cleanup_last_run_outcome',
      'Outcome of the latest cleanup run: 1 for the one it had.',
      last ? OUTCOMES.map((o) => [`{outcome="${o}"}`, last.outcome === o ? '1' : '0']) : [],
    ),
    ...gauge(
      'claude_web_cleanup_next_run_seconds',
      'When the next scheduled cleanup run starts (Unix time).',
      [['', seconds(cleanup?.nextRunAt)]],
    ),
    ...gauge('claude_web_cleanup_running', 'Whether a scheduled cleanup run is under way.', [
      ['', cleanup && (cleanup.running ? '1' : '0')],
    ]),
    ...gauge(
      'claude_web_sessions',
      'Terminal sessions by status.',
      counts ? Object.entries(counts).map(([s, n]) => [`{status="${s}"}`, String(n)]) : [],
    ),
    '',
  ].join('\n');
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
