import { describe, expect, it } from 'vitest';
import { decide, EXITED_HOURS, HOUR_MS, type PolicyConfig } from '../../src/cleanup/policy.js';
import { removalNotices } from '../../src/cleanup/warnings.js';
import type { WorkspaceStatus } from '../../src/workspaces/driver.js';
import { earlier, now, workspace } from '../support/policy-cases.js';

const H = HOUR_MS;

type Case = {
  name: string;
  facts?: Partial<WorkspaceStatus>;
  /** The latest live session activity, this long ago. */
  activityAgo: number;
  maxAgeHours?: number;
  busy?: boolean;
  /** Expected notice: its rule and when it falls due (this long from now), or none. */
  expected?: { rule: 'idle' | 'too_old'; inMs: number };
};

// The sweep runs hourly: what falls due before the next run is announced now.
const INTERVAL = H;
const cases: Case[] = [
  { name: 'used 2 h ago: due in 22 h, no notice', activityAgo: 2 * H },
  { name: 'used 23 h ago: due in exactly one interval, no notice yet', activityAgo: 23 * H },
  {
    name: 'used 23 h and 1 ms ago: due before the next run',
    activityAgo: 23 * H + 1,
    expected: { rule: 'idle', inMs: H - 1 },
  },
  {
    name: 'used 23.5 h ago',
    activityAgo: 23.5 * H,
    expected: { rule: 'idle', inMs: H / 2 },
  },
  { name: 'being attached to right now', activityAgo: 23.5 * H, busy: true },
  {
    name: 'max age 168 h, up 167.5 h, used just now',
    facts: { startedAt: earlier(167.5 * H) },
    activityAgo: 0,
    maxAgeHours: 168,
    expected: { rule: 'too_old', inMs: H / 2 },
  },
  {
    name: 'max age 168 h, up 100 h, idle 23.5 h: idleness comes first',
    facts: { startedAt: earlier(100 * H) },
    activityAgo: 23.5 * H,
    maxAgeHours: 168,
    expected: { rule: 'idle', inMs: H / 2 },
  },
  { name: 'not ours', facts: { labels: {} }, activityAgo: 23.5 * H },
  {
    name: 'stopped recently',
    facts: { state: 'stopped', exitCode: 0, finishedAt: earlier(H / 2) },
    activityAgo: 23.5 * H,
  },
];

describe('removal notices', () => {
  it.each(cases)('$name', (c) => {
    const config: PolicyConfig = {
      idleHours: 24,
      exitedHours: EXITED_HOURS,
      maxAgeHours: c.maxAgeHours,
    };
    const w = workspace(c.facts);
    const input = {
      sessions: [{ userId: '1', lastActivityAt: earlier(c.activityAgo), live: true }],
      now,
      config,
      busy: new Set(c.busy ? ['1'] : []),
    };
    const decisions = decide({ workspaces: [w], ...input });
    const notices = removalNotices(decisions, new Map([[w.container, w]]), input, INTERVAL);
    const notice = notices.get('1');
    if (!c.expected) return expect(notice).toBeUndefined();
    expect(notice?.rule).toBe(c.expected.rule);
    expect(notice?.at.getTime()).toBe(now.getTime() + c.expected.inMs);
    expect(notice?.message).toMatch(/removed at the next cleanup.*home directory is kept/);
  });

  it('gives no notice for a workspace the same run removes', () => {
    const w = workspace();
    const input = {
      sessions: [{ userId: '1', lastActivityAt: earlier(25 * H), live: true }],
      now,
      config: { idleHours: 24, exitedHours: EXITED_HOURS },
    };
    const decisions = decide({ workspaces: [w], ...input });
    expect(decisions[0]?.action).toBe('remove');
    expect(removalNotices(decisions, new Map([[w.container, w]]), input, INTERVAL).size).toBe(0);
  });
});
