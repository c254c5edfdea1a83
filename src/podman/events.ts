import { encodeFilters, type Filters } from './filters.js';
import { jsonLines } from './json-lines.js';
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
  return { [Symbol.asyncIterator]: () => jsonLines<PodmanEvent>(body, options.signal) };
}
