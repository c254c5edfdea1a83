import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * Podman's streaming answers (events, build progress) are one JSON object per line. Ends
 * quietly when `signal` aborts; destroys the body when the consumer stops early.
 */
export async function* jsonLines<T>(body: Readable, signal?: AbortSignal): AsyncGenerator<T> {
  const lines = createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (line.trim() !== '') yield JSON.parse(line) as T;
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    lines.close();
    body.destroy();
  }
}
