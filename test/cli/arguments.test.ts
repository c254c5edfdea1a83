import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/arguments.js';

const parsed: [argv: string[], command: object][] = [
  [[], { name: 'serve', args: {}, json: false, admin: false }],
  [['serve'], { name: 'serve', args: {}, json: false, admin: false }],
  [['--help'], { name: 'help' }],
  [['-h'], { name: 'help' }],
  [['serve', '--help'], { name: 'help' }],
  [['--version'], { name: 'version' }],
  [['-v'], { name: 'version' }],
  [['containers', 'ls'], { name: 'containers ls', args: {}, json: false, admin: false }],
  [['containers', 'ls', '--json'], { name: 'containers ls', args: {}, json: true, admin: false }],
  [
    ['containers', 'start', '7'],
    { name: 'containers start', args: { user: '7' }, json: false, admin: false },
  ],
  [
    ['--json', 'containers', 'rm', '7'],
    { name: 'containers rm', args: { user: '7' }, json: true, admin: false },
  ],
  [
    ['containers', 'stop', 'alice'],
    { name: 'containers stop', args: { user: 'alice' }, json: false, admin: false },
  ],
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
