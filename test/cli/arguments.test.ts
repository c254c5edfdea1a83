import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/arguments.js';

const NO = { json: false, admin: false, dryRun: false, orphaned: false, yes: false, all: false };

const parsed: [argv: string[], command: object][] = [
  [[], { name: 'serve', args: {}, ...NO }],
  [['serve'], { name: 'serve', args: {}, ...NO }],
  [['--help'], { name: 'help' }],
  [['-h'], { name: 'help' }],
  [['serve', '--help'], { name: 'help' }],
  [['--version'], { name: 'version' }],
  [['-v'], { name: 'version' }],
  [['containers', 'ls'], { name: 'containers ls', args: {}, ...NO }],
  [['containers', 'ls', '--json'], { name: 'containers ls', args: {}, ...NO, json: true }],
  [['containers', 'start', '7'], { name: 'containers start', args: { user: '7' }, ...NO }],
  [
    ['--json', 'containers', 'rm', '7'],
    { name: 'containers rm', args: { user: '7' }, ...NO, json: true },
  ],
  [['containers', 'stop', 'alice'], { name: 'containers stop', args: { user: 'alice' }, ...NO }],
  [['cleanup', 'run', '--dry-run'], { name: 'cleanup run', args: {}, ...NO, dryRun: true }],
  [['volumes', 'ls', '--orphaned'], { name: 'volumes ls', args: {}, ...NO, orphaned: true }],
  [
    ['volumes', 'rm', 'bob', '--yes'],
    { name: 'volumes rm', args: { user: 'bob' }, ...NO, yes: true },
  ],
  [['sessions', 'ls', '--all'], { name: 'sessions ls', args: {}, ...NO, all: true }],
  [['users', 'disable', 'bob'], { name: 'users disable', args: { username: 'bob' }, ...NO }],
  [['logs', 'bob', '--tail', '20'], { name: 'logs', args: { user: 'bob' }, ...NO, tail: 20 }],
  [['containers', 'prune'], { name: 'containers prune', args: {}, ...NO }],
];

describe.each(parsed)('claude-web %j', (argv, command) => {
  it(`parses as ${JSON.stringify(command)}`, () => expect(parseCommand(argv)).toEqual(command));
});

const refused: [argv: string[], message: RegExp][] = [
  [['frobnicate'], /^unknown command "frobnicate"\n\nUsage: claude-web/],
  [['containers'], /^unknown command "containers"/],
  [['containers', 'explode'], /^unknown command "containers explode"/],
  [['containers', 'start'], /^containers start needs <user>/],
  [['containers', 'rm', '1', '2'], /^unexpected argument "2"/],
  [['serve', 'extra'], /^unexpected argument "extra"/],
  [['--port=80'], /Unknown option '--port'/],
  [['logs', 'bob', '--tail', 'all'], /^--tail takes a whole number of lines/],
  [['logs', 'bob', '--tail', '0'], /^--tail takes a whole number of lines/],
  [['logs'], /^logs needs <user>/],
  [['volumes', 'rm'], /^volumes rm needs <user>/],
];

describe.each(refused)('claude-web %j', (argv, message) => {
  it('is a usage error', () => {
    expect(() => parseCommand(argv)).toThrow(message);
  });
});

it('lists every command in the help', () => {
  expect(() => parseCommand(['bad'])).toThrow(
    /serve[\s\S]*containers ls[\s\S]*containers start <user>[\s\S]*containers stop <user>[\s\S]*containers rm <user>/,
  );
});
