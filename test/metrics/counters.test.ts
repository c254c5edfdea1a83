import { describe, expect, it } from 'vitest';
import { COUNTERS, createCounters } from '../../src/metrics/counters.js';

describe('counters', () => {
  it('start at zero, count by labels, and keep a label value from breaking the format', () => {
    const counters = createCounters();
    counters.add('claude_web_attach_failures_total', { code: 'podman.unreachable' });
    counters.add('claude_web_attach_failures_total', { code: 'podman.unreachable' });
    counters.add('claude_web_attach_failures_total', { code: 'a"b\nc' });
    const samples = counters.samples();
    expect(samples.map((s) => s.name)).toEqual(Object.keys(COUNTERS));
    expect(samples.find((s) => s.name === 'claude_web_attach_failures_total')?.values).toEqual([
      ['{code="podman.unreachable"}', 2],
      ['{code="a_b_c"}', 1],
    ]);
    expect(samples.find((s) => s.name === 'claude_web_flow_pauses_total')?.values).toEqual([
      ['', 0],
    ]);
  });

  it('count the same labels as one sample whatever order they came in, sorted by name', () => {
    const counters = createCounters();
    counters.add('claude_web_image_builds_total', { outcome: 'ok', code: 'x' });
    counters.add('claude_web_image_builds_total', { code: 'x', outcome: 'ok' });
    counters.add('claude_web_image_builds_total', { outcome: 'ok', Code: 'y' });
    const builds = counters.samples().find((s) => s.name === 'claude_web_image_builds_total');
    expect(builds?.values).toEqual([
      ['{code="x",outcome="ok"}', 2],
      ['{Code="y",outcome="ok"}', 1],
    ]);
  });
});
