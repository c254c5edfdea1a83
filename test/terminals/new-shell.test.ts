import { describe, expect, it } from 'vitest';
import { NEW_SHELL_BANNERS, newShellBanner } from '../../src/terminals/new-shell.js';

const at = (time: string) => new Date(`2030-01-01T${time}Z`);

describe('the banner of a new shell', () => {
  it.each([
    ['a session never attached', null, at('10:00:00'), undefined],
    ['a workspace started after the shell last ran', at('10:00:00'), at('11:00:00'), 'restarted'],
    ['a workspace running since before it', at('10:00:00'), at('09:00:00'), 'ended'],
    ['a workspace with no start time', at('10:00:00'), undefined, 'ended'],
    // Podman lists start times in whole seconds: the same second is not a restart.
    ['a start in the same second as the attach', at('10:00:00.600'), at('10:00:00.000'), 'ended'],
    ['a start in the next second', at('10:00:00.900'), at('10:00:01.000'), 'restarted'],
  ] as const)('for %s', (_, seen, started, kind) => {
    expect(newShellBanner(seen, started)).toBe(kind && NEW_SHELL_BANNERS[kind]);
  });
});
