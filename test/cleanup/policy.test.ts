import { describe, expect, it } from 'vitest';
import { type Decision, decide, EXITED_HOURS, HOUR_MS } from '../../src/cleanup/policy.js';
import type { WorkspaceStatus } from '../../src/workspaces/driver.js';
import { createFakeClock } from '../support/fake-clock.js';
import { earlier, now, workspace } from '../support/policy-cases.js';

const H = HOUR_MS;

type Case = {
  name: string;
  facts: Partial<WorkspaceStatus>;
  /** User 1's latest live session activity, this long ago; absent: no live session. */
  activityAgo?: number;
  /** The latest activity of a dead session of user 1, this long ago. */
  deadActivityAgo?: number;
  idleHours?: number;
  maxAgeHours?: number;
  /** User 1's workspace is being started or attached to right now. */
  busy?: boolean;
  expected: Pick<Decision, 'action' | 'rule'>;
  reason?: RegExp;
};

const keep = (rule: Decision['rule']) => ({ action: 'keep', rule }) as const;
const remove = (rule: Decision['rule']) => ({ action: 'remove', rule }) as const;

const cases: Case[] = [
  // Running, judged by the user's latest session activity.
  {
    name: 'running, activity exactly 24 h ago',
    facts: {},
    activityAgo: 24 * H,
    expected: keep('active'),
  },
  {
    name: 'running, activity 24 h and 1 ms ago',
    facts: {},
    activityAgo: 24 * H + 1,
    expected: remove('idle'),
    reason: /last session activity 24\.0 h ago, more than 24\.0 h/,
  },
  {
    name: 'running for days, activity 1 h ago',
    facts: {},
    activityAgo: H,
    expected: keep('active'),
  },
  { name: 'running, activity just now', facts: {}, activityAgo: 0, expected: keep('active') },
  {
    name: 'CONTAINER_CLEANUP_HOURS=0.5, activity 31 min ago',
    facts: {},
    activityAgo: 31 * 60_000,
    idleHours: 0.5,
    expected: remove('idle'),
  },
  {
    name: 'CONTAINER_CLEANUP_HOURS=48, activity 47 h ago',
    facts: {},
    activityAgo: 47 * H,
    idleHours: 48,
    expected: keep('active'),
  },
  // Running without any session: judged by uptime.
  {
    name: 'no sessions, up exactly 24 h',
    facts: { startedAt: earlier(24 * H) },
    expected: keep('young_without_sessions'),
  },
  {
    name: 'no sessions, up 24 h and 1 ms',
    facts: { startedAt: earlier(24 * H + 1) },
    expected: remove('idle_without_sessions'),
    reason: /no live sessions, idle 24\.0 h, more than 24\.0 h/,
  },
  {
    name: 'no sessions, up 5 min, created long ago',
    facts: { startedAt: earlier(5 * 60_000) },
    expected: keep('young_without_sessions'),
  },
  // Dead sessions are not sessions: without a live one, idle since the later of the
  // start and the latest activity of any session.
  {
    name: 'only dead sessions used 100 h ago, started by hand 5 min ago',
    facts: { startedAt: earlier(5 * 60_000) },
    deadActivityAgo: 100 * H,
    expected: keep('young_without_sessions'),
  },
  {
    name: 'only dead sessions, the last used 1 h ago, up 100 h',
    facts: { startedAt: earlier(100 * H) },
    deadActivityAgo: H,
    expected: keep('young_without_sessions'),
  },
  {
    name: 'only dead sessions, the last used 30 h ago, up 30 h',
    facts: { startedAt: earlier(30 * H) },
    deadActivityAgo: 30 * H,
    expected: remove('idle_without_sessions'),
  },
  {
    name: 'a live session idle 30 h, a dead one used 1 h ago',
    facts: {},
    activityAgo: 30 * H,
    deadActivityAgo: H,
    expected: keep('active'),
  },
  // In flight: an ensure or attach is under way.
  {
    name: 'idle 100 h, being attached to right now',
    facts: {},
    activityAgo: 100 * H,
    busy: true,
    expected: keep('in_use'),
  },
  {
    name: 'crashed, being started again right now',
    facts: { state: 'stopped', exitCode: 1, crashed: true, finishedAt: earlier(60_000) },
    busy: true,
    expected: keep('in_use'),
  },
  // CONTAINER_MAX_AGE_HOURS: a hard bound on uptime, whatever the activity.
  {
    name: 'max age 168 h, up 168 h and 1 ms, used just now',
    facts: { startedAt: earlier(168 * H + 1) },
    activityAgo: 0,
    maxAgeHours: 168,
    expected: remove('too_old'),
    reason: /up 168\.0 h, more than the maximum age of 168\.0 h/,
  },
  {
    name: 'max age 168 h, up exactly 168 h, used just now',
    facts: { startedAt: earlier(168 * H) },
    activityAgo: 0,
    maxAgeHours: 168,
    expected: keep('active'),
  },
  {
    name: 'max age 168 h, up 200 h, being attached to right now',
    facts: { startedAt: earlier(200 * H) },
    activityAgo: 0,
    maxAgeHours: 168,
    busy: true,
    expected: keep('in_use'),
  },
  {
    name: 'max age 168 h, stopped 30 min ago after 500 h up',
    facts: { state: 'stopped', exitCode: 143, finishedAt: earlier(H / 2) },
    maxAgeHours: 168,
    expected: keep('exited_recently'),
  },
  // Stopped: judged by the exit time, never by the creation time.
  {
    name: 'exited cleanly exactly 1 h ago',
    facts: { state: 'stopped', exitCode: 0, finishedAt: earlier(H) },
    expected: keep('exited_recently'),
  },
  {
    name: 'exited cleanly 1 h and 1 ms ago',
    facts: { state: 'stopped', exitCode: 0, finishedAt: earlier(H + 1) },
    expected: remove('exited_long_ago'),
    reason: /exited 1\.0 h ago, more than 1\.0 h/,
  },
  {
    name: 'stopped gracefully (143) 30 min ago, created 1000 h ago',
    facts: { state: 'stopped', exitCode: 143, finishedAt: earlier(H / 2) },
    expected: keep('exited_recently'),
  },
  {
    name: 'exited 2 h ago with recent session activity',
    facts: { state: 'stopped', exitCode: 0, finishedAt: earlier(2 * H) },
    activityAgo: 0,
    expected: remove('exited_long_ago'),
  },
  {
    name: 'stopped, never ran (no exit time)',
    facts: { state: 'stopped', startedAt: undefined },
    expected: keep('never_exited'),
  },
  {
    name: 'quadlet unit inactive, exited 3 h ago',
    facts: { state: 'stopped', containerId: undefined, exitCode: 0, finishedAt: earlier(3 * H) },
    expected: remove('exited_long_ago'),
  },
  // Crashed: at once.
  {
    name: 'crashed (exit 1) a minute ago',
    facts: { state: 'stopped', exitCode: 1, crashed: true, finishedAt: earlier(60_000) },
    expected: remove('crashed'),
    reason: /exited with code 1/,
  },
  {
    name: 'OOM-killed (exit 137) just now',
    facts: { state: 'stopped', exitCode: 137, crashed: true, finishedAt: now },
    expected: remove('crashed'),
  },
  {
    name: 'unit failed a minute ago',
    facts: {
      state: 'stopped',
      crashed: true,
      failure: 'its unit failed',
      finishedAt: earlier(60_000),
    },
    expected: remove('crashed'),
    reason: /its unit failed/,
  },
  // Not ours: never.
  {
    name: 'unlabelled, idle for ages',
    facts: { labels: {} },
    activityAgo: 1000 * H,
    expected: keep('unmanaged'),
  },
  {
    name: 'unlabelled and crashed',
    facts: { labels: {}, state: 'stopped', exitCode: 1, crashed: true, finishedAt: earlier(H) },
    expected: keep('unmanaged'),
  },
  {
    name: 'labelled managed=false',
    facts: { labels: { 'claude-web.managed': 'false' } },
    expected: keep('unmanaged'),
  },
];

describe('the cleanup policy', () => {
  it.each(cases)('$name → $expected.action ($expected.rule)', (c) => {
    const sessions = [
      // A dead session used long ago counts too, but only the latest one decides.
      ...(c.activityAgo === undefined && c.deadActivityAgo === undefined
        ? []
        : [{ userId: '1', lastActivityAt: earlier(1000 * H), live: false }]),
      ...(c.activityAgo === undefined
        ? []
        : [{ userId: '1', lastActivityAt: earlier(c.activityAgo), live: true }]),
      ...(c.deadActivityAgo === undefined
        ? []
        : [{ userId: '1', lastActivityAt: earlier(c.deadActivityAgo), live: false }]),
    ];
    const [decision] = decide({
      workspaces: [workspace(c.facts)],
      sessions,
      now,
      config: {
        idleHours: c.idleHours ?? 24,
        exitedHours: EXITED_HOURS,
        maxAgeHours: c.maxAgeHours,
      },
      busy: new Set(c.busy ? ['1'] : []),
    });
    expect(decision).toMatchObject({ userId: '1', container: 'claude-web-user-1', ...c.expected });
    expect(decision?.reason).toMatch(c.reason ?? /\S/);
  });

  it('judges each workspace by its own user’s activity only', () => {
    const other = { ...workspace({}), userId: '2', container: 'claude-web-user-2' };
    const decisions = decide({
      workspaces: [workspace({}), other],
      sessions: [{ userId: '2', lastActivityAt: now, live: true }],
      now,
      config: { idleHours: 24, exitedHours: EXITED_HOURS },
    });
    expect(decisions.map((d) => [d.container, d.action])).toEqual([
      ['claude-web-user-1', 'remove'],
      ['claude-web-user-2', 'keep'],
    ]);
  });

  it('moves with the clock: kept now, removed once a second past the limit', () => {
    const fake = createFakeClock();
    const input = (at: Date) => ({
      workspaces: [workspace({ state: 'stopped', exitCode: 0, finishedAt: fake.now() })],
      sessions: [],
      now: at,
      config: { idleHours: 24, exitedHours: EXITED_HOURS },
    });
    const finished = input(fake.now()).workspaces;
    expect(decide({ ...input(fake.now()), workspaces: finished })[0]?.action).toBe('keep');
    fake.advance(H);
    expect(decide({ ...input(fake.now()), workspaces: finished })[0]?.action).toBe('keep');
    fake.advance(1_000);
    expect(decide({ ...input(fake.now()), workspaces: finished })[0]?.action).toBe('remove');
  });
});
