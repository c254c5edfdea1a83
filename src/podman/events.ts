import { createInterface } from 'node:readline';
import { encodeFilters, type Filters } from './filters.js';
import type { Transport } from './transport.js';
import type { PodmanEvent } from './types.js';

export interface EventsOptions {
  /** libpod event filters, e.g. `{ type: ['container'], label: ['claude-web.user'] }`. */
  filters?: Filters;
  /** Replays events since this time before following new ones. */
  since?: Date;
  /** Ends the stream; iteration then finishes without an error. */
  signal?: AbortSignal;
}

/**
 * Follows Podman's event stream. Resolves once Podman has accepted the subscription, so
 * everything that happens after the returned promise settles is seen.
 */
export async function followEvents(
  transport: Transport,
  options: EventsOptions = {},
): Promise<AsyncIterable<PodmanEvent>> {
  const { body } = await transport.stream({
    path: '/events',
    query: {
      stream: true,
      filters: encodeFilters(options.filters ?? {}),
      since: options.since && String(Math.floor(options.since.getTime() / 1000)),
    },
    signal: options.signal,
  });
  const signal = options.signal;
  return {
    async *[Symbol.asyncIterator]() {
      const lines = createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY });
      try {
        for await (const line of lines) {
          if (line.trim() !== '') yield JSON.parse(line) as PodmanEvent;
        }
      } catch (error) {
        if (!signal?.aborted) throw error;
      } finally {
        lines.close();
        body.destroy();
      }
    },
  };
}
