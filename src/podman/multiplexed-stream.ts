import type { Readable } from 'node:stream';

/**
 * Reads a non-TTY exec stream to its end. Each frame is an 8-byte header (byte 0: 1 for
 * stdout, 2 for stderr; bytes 4-7: big-endian payload length) followed by the payload.
 */
export async function demultiplex(
  stream: Readable,
): Promise<{ stdout: string; stderr: string; combined: string }> {
  const out: Buffer[][] = [[], [], []];
  const combined: Buffer[] = [];
  let pending = Buffer.alloc(0);
  for await (const chunk of stream) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= 8) {
      const length = pending.readUInt32BE(4);
      if (pending.length < 8 + length) break;
      const kind = pending[0] === 2 ? 2 : 1;
      out[kind]?.push(pending.subarray(8, 8 + length));
      combined.push(pending.subarray(8, 8 + length));
      pending = pending.subarray(8 + length);
    }
  }
  return {
    stdout: Buffer.concat(out[1] ?? []).toString('utf8'),
    stderr: Buffer.concat(out[2] ?? []).toString('utf8'),
    /** Both, in the order they were written. */
    combined: Buffer.concat(combined).toString('utf8'),
  };
}
