import { describe, expect, it } from 'vitest';
import {
  type ControlEvent,
  commandLine,
  createControlParser,
  quoteArgument,
  unescapeOutput,
} from '../../src/tmux/tmux-control.js';

function parse(text: string | Buffer, expecting: number[] = []) {
  const events: ControlEvent[] = [];
  const answers: unknown[] = [];
  const parser = createControlParser((e) => events.push(e));
  for (const count of expecting) parser.expect(count, (results) => answers.push(results));
  parser.push(Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1'));
  return { events, answers };
}

describe('tmux control mode', () => {
  it.each([
    ['plain text', 'abc', 'abc'],
    ['octal escapes of control bytes', '\\033[1mA\\015\\012', '\x1b[1mA\r\n'],
    ['a backslash', '\\134', '\\'],
    ['a backslash that starts no escape', 'a\\b', 'a\\b'],
    ['UTF-8 bytes as they are', 'é', 'é'],
  ])('unescapes %s', (_, escaped, bytes) => {
    expect(unescapeOutput(Buffer.from(escaped)).toString()).toBe(bytes);
  });

  it('passes output on as events, with %extended-output, in order', () => {
    const { events } = parse('%output %1 a\\015\n%extended-output %2 17 : b\\033\n');
    expect(events).toEqual([
      { type: 'output', pane: '%1', data: Buffer.from('a\r') },
      { type: 'output', pane: '%2', data: Buffer.from('b\x1b'), ageMs: 17 },
    ]);
  });

  it('matches answers to commands, leaving out blocks of commands not sent by this client', () => {
    const { answers } = parse(
      [
        '%begin 1 10 0',
        '%end 1 10 0',
        '%begin 1 11 1',
        'first',
        '%end 1 11 1',
        '%begin 1 12 1',
        'no such pane',
        '%error 1 12 1',
        '',
      ].join('\n'),
      [2],
    );
    expect(answers).toEqual([
      [
        { ok: true, lines: ['first'] },
        { ok: false, error: 'no such pane' },
      ],
    ]);
  });

  it('ends an answer only with the numbers it began with: output may look like an end', () => {
    const { answers } = parse('%begin 5 6 1\n%end 5 7 1\n%end 5 6 1\n', [1]);
    expect(answers).toEqual([[{ ok: true, lines: ['%end 5 7 1'] }]]);
  });

  it('reads lines split across chunks, CR line ends and the DCS of -CC', () => {
    const events: ControlEvent[] = [];
    const parser = createControlParser((e) => events.push(e));
    for (const chunk of [
      '\x1bP1000p%out',
      'put %3 x\r',
      '\n%layout-change @1 ab12,100x30,0,0,1 ab12,100x30,0,0,1 *\r\n',
    ])
      parser.push(Buffer.from(chunk));
    expect(events).toEqual([
      { type: 'output', pane: '%3', data: Buffer.from('x') },
      { type: 'layout', size: { cols: 100, rows: 30 } },
    ]);
  });

  it('tells of paused panes, changed windows and the end', () => {
    const { events } = parse(
      '%pause %4\n%session-changed $1 s\n%session-window-changed $1 @2\n%exit detached\n',
    );
    expect(events).toEqual([
      { type: 'pause', pane: '%4' },
      { type: 'session' },
      { type: 'focus' },
      { type: 'exit', reason: 'detached' },
    ]);
  });

  it('quotes every argument, so that nothing in it is expanded', () => {
    expect(commandLine([['display-message', '-p', '#{pane_id} $HOME ~'], ['refresh-client']])).toBe(
      "'display-message' '-p' '#{pane_id} $HOME ~' ; 'refresh-client'",
    );
    expect(() => quoteArgument("it's")).toThrow();
    expect(() => quoteArgument('a\nb')).toThrow();
  });
});
