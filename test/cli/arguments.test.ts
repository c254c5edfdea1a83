import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/arguments.js';

const parsed: [argv: string[], command: string][] = [
  [[], 'serve'],
  [['serve'], 'serve'],
  [['--help'], 'help'],
  [['-h'], 'help'],
  [['serve', '--help'], 'help'],
  [['--version'], 'version'],
  [['-v'], 'version'],
];

describe.each(parsed)('claude-web %j', (argv, command) => {
  it(`runs ${command}`, () => expect(parseCommand(argv)).toEqual({ name: command }));
});

const refused: [argv: string[], message: RegExp][] = [
  [['frobnicate'], /^unknown command "frobnicate"\n\nUsage: claude-web/],
  [['serve', 'extra'], /^unexpected argument "extra"/],
  [['--port=80'], /Unknown option '--port'/],
];

describe.each(refused)('claude-web %j', (argv, message) => {
  it('is a usage error', () => {
    expect(() => parseCommand(argv)).toThrow(message);
  });
});
