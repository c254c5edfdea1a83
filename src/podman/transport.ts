import type { Duplex, Readable } from 'node:stream';
import { type Dispatcher, Pool } from 'undici';
import type { Clock } from '../clock/clock.js';
import { isAppError } from '../errors/app-error.js';
import {
  podmanErrorFromBody,
  podmanSilent,
  podmanStoppedAnswering,
  podmanUnreachable,
} from './errors.js';
import { hijack } from './hijack.js';
import { watchLiveness } from './liveness.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  method?: Dispatcher.HttpMethod;
  path: string;
  query?: Query;
  body?: unknown;
  /** A body sent as it is (e.g. a tar archive, streamed), instead of `body` as JSON. */
  raw?: { contentType: string; data: Buffer | Readable };
  signal?: AbortSignal;
  /** Statuses that are answers rather than errors (e.g. 304 "already started"). */
  accept?: number[];
  /** Seconds Podman is asked to take before it answers (a stop's grace): added to the bound. */
  waitSeconds?: number;
  /**
   * Work that grows with the data (disk usage, deleting a volume's files): no bound of its
   * own. With a clock, it ends once the service stops answering pings beside it.
   */
  slow?: boolean;
  /**
   * A hijacked stream that is to end (a command run to completion): with a clock, it is
   * destroyed with `podman.unreachable` once the service stops answering pings beside it.
   */
  watched?: boolean;
}

export interface Response {
  status: number;
  body: Dispatcher.ResponseData['body'];
}

/**
 * The one connection to a Podman API socket. Every call goes to `/v4.0.0/libpod/…`, which
 * Podman 4.x and 5.x both serve. Non-accepted statuses become `PodmanError`s.
 */
export interface Transport {
  readonly socketPath: string;
  json<T>(options: CallOptions): Promise<T>;
  empty(options: CallOptions): Promise<number>;
  /** The response body as a stream; the caller consumes or destroys it. */
  stream(options: CallOptions): Promise<Response>;
  /**
   * Sends the request and takes over the connection once Podman upgrades it. A connection
   * that breaks later ends the stream ('close' follows); its error is never left unhandled.
   */
  hijack(options: CallOptions): Promise<Duplex>;
  close(): Promise<void>;
}

const API_PREFIX = '/v4.0.0/libpod';
/** undici's own bound on the wait for an answer's headers. */
const UNDICI_HEADERS_TIMEOUT_MS = 300_000;

export interface TransportOptions {
  socketPath: string;
  /** Told of every call before it is sent ("GET /containers/json"): for counting and tracing. */
  onCall?: (call: string) => void;
  /** How long a body that is not a stream may stay quiet (undici's default: 5 minutes). */
  bodyTimeoutMs?: number;
  /**
   * How long a call that is not a stream may wait for the start of Podman's answer before it
   * fails as `podman.unreachable` (undici's default: 5 minutes). A service that accepts
   * connections but no longer answers (a deadlock, a stopped process) is an outage too.
   */
  answerTimeoutMs?: number;
  /** A call found the socket unreachable after the one before it had an answer. */
  onOutage?: () => void;
  /** Times the pings beside slow calls (every `answerTimeoutMs`); none without it. */
  clock?: Clock;
}

export function createTransport({
  socketPath,
  onCall,
  bodyTimeoutMs,
  answerTimeoutMs,
  onOutage,
  clock,
}: TransportOptions): Transport {
  // A pool of connections on the one socket: a hijacked exec stream or an event stream
  // holds its connection for as long as it lives, and must not queue the other calls.
  const client = new Pool('http://podman', {
    socketPath,
    connections: null,
    ...(bodyTimeoutMs === undefined ? {} : { bodyTimeout: bodyTimeoutMs }),
  });
  const describe = (o: CallOptions) => `${o.method ?? 'GET'} ${o.path}`;
  let answering = false;
  /** The longest a call may wait for its answer to begin; undefined: undici's own bound. */
  const boundOf = (o: CallOptions) =>
    answerTimeoutMs === undefined || o.slow
      ? undefined
      : answerTimeoutMs + (o.waitSeconds ?? 0) * 1000;
  /** Connection errors and silence become `podman.unreachable`; the first after an answer is an outage. */
  const unreachable = (error: unknown, o: CallOptions) => {
    const silent = isSilence(error);
    if (!silent && !isConnectionError(error)) return error;
    if (answering) onOutage?.();
    answering = false;
    return silent
      ? podmanSilent(socketPath, describe(o), boundOf(o) ?? UNDICI_HEADERS_TIMEOUT_MS)
      : podmanUnreachable(socketPath, error);
  };
  const requestOf = (o: CallOptions) => requestOptions(o, boundOf(o));
  /**
   * Pings beside a slow call or a watched stream, which end it once the service stops
   * answering; none without a clock and a bound.
   */
  const livenessBeside = (o: CallOptions) =>
    clock && answerTimeoutMs !== undefined
      ? watchLiveness({
          clock,
          everyMs: answerTimeoutMs,
          signal: o.signal,
          ping: () => empty({ path: '/_ping' }).catch(onlyUnanswered),
        })
      : undefined;

  /** `streaming`: the body may stay quiet for as long as it likes (events, build steps). */
  async function send(options: CallOptions, streaming = false): Promise<Response> {
    onCall?.(describe(options));
    const liveness = options.slow ? livenessBeside(options) : undefined;
    let response: Dispatcher.ResponseData;
    try {
      const request = { ...requestOf(options), signal: liveness?.signal ?? options.signal };
      response = await client.request(streaming ? { ...request, bodyTimeout: 0 } : request);
      answering = true;
    } catch (error) {
      const stuck = liveness?.failure();
      throw stuck ? podmanStoppedAnswering(describe(options), stuck) : unreachable(error, options);
    } finally {
      liveness?.stop();
    }
    const ok = response.statusCode < 300 || options.accept?.includes(response.statusCode);
    if (ok) return { status: response.statusCode, body: response.body };
    throw podmanErrorFromBody(response.statusCode, await response.body.text(), describe(options));
  }

  /** The stream, destroyed once a ping beside it goes unanswered; the pings end with it. */
  function watchedStream(stream: Duplex, options: CallOptions): Duplex {
    const liveness = livenessBeside(options);
    if (!liveness) return stream;
    liveness.signal.addEventListener('abort', () => {
      const stuck = liveness.failure();
      stream.destroy(stuck ? podmanStoppedAnswering(describe(options), stuck) : undefined);
    });
    stream.once('close', () => liveness.stop());
    return stream;
  }

  async function empty(options: CallOptions) {
    const { status, body } = await send(options);
    await body.dump();
    return status;
  }

  return {
    socketPath,
    async json<T>(options: CallOptions) {
      const { body } = await send(options);
      return (await body.json()) as T;
    },
    empty,
    // undici ends a body quiet for 5 minutes: the event stream of a calm host would die.
    stream: (options) => send(options, true),
    hijack: (options) => {
      onCall?.(describe(options));
      return hijack(client, requestOf(options), describe(options)).then(
        (stream) => {
          answering = true;
          return options.watched ? watchedStream(stream, options) : stream;
        },
        (error: unknown) => {
          throw unreachable(error, options);
        },
      );
    },
    close: () => client.close(),
  };
}

function requestOptions(o: CallOptions, headersTimeout?: number): Dispatcher.RequestOptions {
  const json = o.body === undefined ? undefined : JSON.stringify(o.body);
  const contentType = o.raw?.contentType ?? (json === undefined ? undefined : 'application/json');
  return {
    method: o.method ?? 'GET',
    path: `${API_PREFIX}${o.path}${queryString(o.query)}`,
    headers: contentType ? { 'content-type': contentType } : {},
    body: o.raw?.data ?? json,
    signal: o.signal,
    ...(headersTimeout === undefined ? {} : { headersTimeout }),
  };
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

const CONNECTION_ERRORS = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTSOCK', 'EPERM']);

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code ?? '';

function isConnectionError(error: unknown): boolean {
  return CONNECTION_ERRORS.has(errorCode(error));
}

/** A ping beside a slow call counts only when nothing answered it. */
function onlyUnanswered(error: unknown): void {
  if (isAppError(error, 'podman.unreachable')) throw error;
}

/** The socket took the call, and no answer began within its bound. */
function isSilence(error: unknown): boolean {
  return errorCode(error) === 'UND_ERR_HEADERS_TIMEOUT';
}
