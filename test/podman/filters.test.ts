import { describe, expect, it } from 'vitest';
import { encodeFilters, exactNamePattern, hasLabels } from '../../src/podman/filters.js';

describe('exactNamePattern', () => {
  const cases: [name: string, candidate: string, matches: boolean][] = [
    ['claude-web-user-1', 'claude-web-user-1', true],
    ['claude-web-user-1', 'claude-web-user-10', false],
    ['claude-web-user-1', 'x-claude-web-user-1', false],
    ['a.b', 'axb', false],
    ['a.b', 'a.b', true],
    ['c++', 'c++', true],
  ];
  it.each(cases)('%s against %s: %s', (name, candidate, matches) => {
    expect(new RegExp(exactNamePattern(name)).test(candidate)).toBe(matches);
  });
});

describe('hasLabels', () => {
  const labels = { 'claude-web.user': '7', 'claude-web.managed': 'true', empty: '', eq: 'a=b' };
  const cases: [wanted: string[], matches: boolean][] = [
    [[], true],
    [['claude-web.user'], true],
    [['claude-web.user=7'], true],
    [['claude-web.user=70'], false],
    [['claude-web.user=7', 'claude-web.managed=true'], true],
    [['claude-web.user=7', 'other'], false],
    [['empty='], true],
    [['eq=a=b'], true],
  ];
  it.each(cases)('%j: %s', (wanted, matches) => {
    expect(hasLabels(labels, wanted)).toBe(matches);
  });
  it('finds nothing on a resource without labels', () => {
    expect(hasLabels(null, ['a'])).toBe(false);
  });
});

describe('encodeFilters', () => {
  it('leaves out empty and absent filters', () => {
    expect(encodeFilters({ label: [], name: undefined })).toBeUndefined();
    expect(encodeFilters({ label: ['a=1'], status: undefined })).toBe('{"label":["a=1"]}');
  });
});
