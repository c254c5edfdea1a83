import { describe, expect, it } from 'vitest';
import {
  MAX_CONTROL_BYTES,
  MAX_INPUT_BYTES,
  parseClientFrame,
} from '../../src/terminals/protocol.js';

const text = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

const accepted: [name: string, data: Buffer, binary: boolean, expected: unknown][] = [
  ['keystrokes', Buffer.from('ls\r'), true, { type: 'input', data: Buffer.from('ls\r') }],
  [
    'a full input frame',
    Buffer.alloc(MAX_INPUT_BYTES, 0x61),
    true,
    { type: 'input', data: Buffer.alloc(MAX_INPUT_BYTES, 0x61) },
  ],
  [
    'bytes that are not UTF-8',
    Buffer.from([0xff, 0x00, 0x1b]),
    true,
    { type: 'input', data: Buffer.from([0xff, 0x00, 0x1b]) },
  ],
  [
    'a resize',
    text({ type: 'resize', cols: 120, rows: 40 }),
    false,
    { type: 'resize', cols: 120, rows: 40 },
  ],
  [
    'the smallest resize',
    text({ type: 'resize', cols: 1, rows: 1 }),
    false,
    { type: 'resize', cols: 1, rows: 1 },
  ],
  [
    'the largest resize',
    text({ type: 'resize', cols: 1000, rows: 500 }),
    false,
    { type: 'resize', cols: 1000, rows: 500 },
  ],
  ['a ping', text({ type: 'ping', id: 7 }), false, { type: 'ping', id: 7 }],
];

describe.each(accepted)('%s', (_name, data, binary, expected) => {
  it('is understood', () => expect(parseClientFrame(data, binary)).toEqual(expected));
});

const refused: [name: string, data: Buffer, binary: boolean, code: string][] = [
  ['an oversized input frame', Buffer.alloc(MAX_INPUT_BYTES + 1), true, 'protocol.too_large'],
  [
    'an oversized control message',
    text(`{"type":"ping","id":1,"pad":"${'x'.repeat(MAX_CONTROL_BYTES)}"}`),
    false,
    'protocol.too_large',
  ],
  ['text that is not JSON', text('resize 80 24'), false, 'protocol.malformed'],
  ['JSON that is not an object', text('[1,2]'), false, 'protocol.unknown_type'],
  ['null', text('null'), false, 'protocol.unknown_type'],
  ['an unknown type', text({ type: 'exec', cmd: 'rm -rf /' }), false, 'protocol.unknown_type'],
  [
    'a resize with NaN',
    text('{"type":"resize","cols":NaN,"rows":24}'),
    false,
    'protocol.malformed',
  ],
  [
    'a resize of zero columns',
    text({ type: 'resize', cols: 0, rows: 24 }),
    false,
    'protocol.invalid_resize',
  ],
  [
    'a resize of 10,000 columns',
    text({ type: 'resize', cols: 10_000, rows: 24 }),
    false,
    'protocol.invalid_resize',
  ],
  [
    'a resize of 501 rows',
    text({ type: 'resize', cols: 80, rows: 501 }),
    false,
    'protocol.invalid_resize',
  ],
  [
    'a negative resize',
    text({ type: 'resize', cols: -80, rows: 24 }),
    false,
    'protocol.invalid_resize',
  ],
  [
    'a fractional resize',
    text({ type: 'resize', cols: 80.5, rows: 24 }),
    false,
    'protocol.invalid_resize',
  ],
  [
    'a resize given as strings',
    text({ type: 'resize', cols: '80', rows: '24' }),
    false,
    'protocol.invalid_resize',
  ],
  ['a resize missing rows', text({ type: 'resize', cols: 80 }), false, 'protocol.invalid_resize'],
  ['a ping without an id', text({ type: 'ping' }), false, 'protocol.malformed'],
];

describe.each(refused)('%s', (_name, data, binary, code) => {
  it(`is refused as ${code}`, () => {
    expect(() => parseClientFrame(data, binary)).toThrow(expect.objectContaining({ code }));
  });
});
