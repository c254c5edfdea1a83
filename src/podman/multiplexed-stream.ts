import type { Readable } from 'node:stream';

/** Which stream a frame of a non-TTY exec carries. */
export type StreamKind = 'stdout' | 'stderr';

/**
 * Splits a non-TTY exec stream into its frames as the chunks arrive. Each frame is an 8-byte
 * header (byte 0: 1 for stdout, 2 for stderr; bytes 4-7: big-endian payload length)
 * followed by the payload. Returns the function to feed chunks to.
 */
export function createDemultiplexer(
  onFrame: (kind: StreamKind, payload: Buffer) => void,
): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const length = pending.readUInt32BE(4);
      if (pending.length < 8 + length) break;
      onFrame(pending[0] === 2 ? 'stderr' : 'stdout', pending.subarray(8, 8 + length));
      pending = pending.subarray(8 + length);
    }
  };
}

/** Reads a non-TTY exec stream to its end. */
export async function demultiplex(
  stream: Readable,
): Promise<{ stdout: string; stderr: string; combined: string }> {
  const out: Record<StreamKind, Buffer[]> = { stdout: [], stderr: [] };
  const combined: Buffer[] = [];
  const feed = createDemultiplexer((kind, payload) => {
    out[kind].push(payload);
    combined.push(payload);
  });
  for await (const chunk of stream) feed(chunk as Buffer);
  return {
    stdout: Buffer.concat(out.stdout).toString('utf8'),
    stderr: Buffer.concat(out.stderr).toString('utf8'),
    /** Both, in the order they were written. */
    combined: Buffer.concat(combined).toString('utf8'),
  };
}
