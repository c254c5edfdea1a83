import {
  type ClientControl,
  LIMITS,
  MAX_CONTROL_BYTES,
  MAX_INPUT_BYTES,
  type ProtocolErrorCode,
  type ServerControl,
} from './wire.js';

/** The server's side of the protocol in wire.ts: parsing what browsers send. */
export * from './wire.js';

/** A frame from the browser, parsed. */
export type ClientMessage = { type: 'input'; data: Buffer } | ClientControl;

export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Parses one frame from the browser; throws ProtocolError, naming what was wrong. */
export function parseClientFrame(data: Buffer, isBinary: boolean): ClientMessage {
  if (isBinary) {
    if (data.length > MAX_INPUT_BYTES)
      throw new ProtocolError(
        'protocol.too_large',
        `input frames are at most ${MAX_INPUT_BYTES} bytes`,
      );
    return { type: 'input', data };
  }
  if (data.length > MAX_CONTROL_BYTES)
    throw new ProtocolError(
      'protocol.too_large',
      `control messages are at most ${MAX_CONTROL_BYTES} bytes`,
    );
  let message: unknown;
  try {
    message = JSON.parse(data.toString('utf8'));
  } catch {
    throw new ProtocolError('protocol.malformed', 'control messages are JSON objects');
  }
  const type = (message as { type?: unknown } | null)?.type;
  if (type === 'resize') return parseResize(message as Record<string, unknown>);
  if (type === 'ping') return parsePing(message as Record<string, unknown>);
  throw new ProtocolError(
    'protocol.unknown_type',
    `unknown message type ${JSON.stringify(type ?? null)}`,
  );
}

function parseResize(m: Record<string, unknown>): ClientMessage {
  const { cols, rows } = m;
  const within = (v: unknown, { min, max }: { min: number; max: number }) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (!within(cols, LIMITS.cols) || !within(rows, LIMITS.rows)) {
    throw new ProtocolError(
      'protocol.invalid_resize',
      `resize needs whole numbers: cols ${LIMITS.cols.min}-${LIMITS.cols.max}, rows ${LIMITS.rows.min}-${LIMITS.rows.max}`,
    );
  }
  return { type: 'resize', cols: cols as number, rows: rows as number };
}

function parsePing(m: Record<string, unknown>): ClientMessage {
  if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id))
    throw new ProtocolError('protocol.malformed', 'ping needs a whole-number id');
  return { type: 'ping', id: m.id };
}

export function encodeControl(message: ServerControl): string {
  return JSON.stringify(message);
}
