import fc from 'fast-check';

/** Who a fuzzed request claims to be. */
export type As = 'nobody' | 'user' | 'admin' | 'garbage';

export interface HttpCase {
  kind: 'http';
  method: string;
  path: string;
  query: string;
  body?: Uint8Array;
  contentType?: string;
  origin: 'same' | 'foreign' | 'none';
  as: As;
}
export interface RawCase {
  kind: 'raw';
  bytes: Uint8Array;
}
export interface FrameCase {
  kind: 'frame';
  data: Uint8Array;
  binary: boolean;
}
export interface ConnectCase {
  kind: 'connect';
  path: string;
  as: As;
  origin: 'same' | 'foreign' | 'none';
}
export type FuzzCase = HttpCase | RawCase | FrameCase | ConnectCase;

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Bytes as percent-escapes: UTF-8 or not, overlong forms, NUL, and every other byte. */
const escapedBytes = fc
  .uint8Array({ maxLength: 12 })
  .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
/** Escapes that are not escapes: `%`, `%Z`, `%8` at the end, and friends. */
const brokenEscapes = fc
  .array(fc.constantFrom('%', 'Z', 'F', '8', 'E0', 'C0%AE', '%2', 'a', '-', '.', '/', '%25'), {
    maxLength: 8,
  })
  .map((parts) => parts.join(''));
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '..', '../..', 'a\u0000b', 'x'.repeat(3000), '\ud800', 'admin', '0', '-1'),
);
/** A path segment as a client may send it. */
export const segment = fc.oneof(
  text.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))),
  escapedBytes,
  brokenEscapes,
  fc.uuid().map(String),
);

/** What may stand where a user is named (admin routes) without being another test's. */
export function userRef(own: string[]) {
  // Every other test's workspaces share this Podman; a name that could be one of their
  // workspace ids is not sent to routes that remove things.
  const notAnId = segment.filter((s) => !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(s));
  return fc.oneof(fc.constantFrom(...own), notAnId);
}

const jsonText = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        username: fc.oneof(text, fc.jsonValue()),
        password: fc.oneof(text, fc.jsonValue()),
        name: fc.oneof(text, fc.jsonValue()),
        confirm: fc.oneof(text, fc.jsonValue()),
        dryRun: fc.oneof(fc.constant(true), fc.jsonValue()),
        admin: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.constantFrom('{"name":"a\\u0000b"}', '[[[[[[[[[[]]]]]]]]]]', '{"username":', 'null'),
  fc.constant(`[${'['.repeat(30_000)}${']'.repeat(30_000)}]`),
);
export const body = fc.oneof(
  { arbitrary: jsonText.map(utf8), weight: 6 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }), weight: 2 },
  { arbitrary: fc.constant(new Uint8Array(70_000).fill(0x61)), weight: 1 },
  { arbitrary: fc.constant(new Uint8Array([0x7b, 0x22, 0xc0, 0xae, 0x22, 0x7d])), weight: 1 },
);
const query = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(fc.constantFrom('tail', 'all', 'orphaned', 'cols', 'rows', 'x'), segment), {
      maxLength: 3,
    })
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
  fc.constantFrom('?tail=100000', '?tail=0', '?tail=1e9', '?all=1', '?orphaned=true', '?%ZZ'),
);

export const as = fc.constantFrom<As>('nobody', 'user', 'admin', 'garbage');
export const origin = fc.constantFrom<HttpCase['origin']>('same', 'foreign', 'none');
const methods = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS'] as const;

/** Raw requests: fragments of HTTP put together wrongly, and a few right. */
export const raw = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'GET / HTTP/1.1\r\n',
        'GET /api/sessions HTTP/1.1\r\n',
        'POST /api/login HTTP/1.1\r\n',
        'GET /api/sessions/%ZZ/terminal HTTP/1.0\r\n',
        'BREW /pot HTCPCP/1.0\r\n',
        'Host: 127.0.0.1\r\n',
        'Content-Length: 5\r\n',
        'Content-Length: -1\r\n',
        'Transfer-Encoding: chunked\r\n',
        'Upgrade: websocket\r\nConnection: Upgrade\r\n',
        'Sec-WebSocket-Version: 13\r\n',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
        'X: \u0000\r\n',
        '\r\n',
        '0\r\n\r\n',
      ),
      fc.string({ unit: 'binary', maxLength: 30 }),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => ({
    kind: 'raw' as const,
    bytes: Buffer.from(`${parts.join('')}\r\n\r\n`, 'latin1'),
  }));

const resizeValue = fc.oneof(
  fc.integer({ min: -10, max: 2000 }),
  fc.double(),
  fc.string({ maxLength: 5 }),
  fc.constant(null),
);
/** WebSocket frames to an attached terminal. */
export const frame = fc
  .oneof(
    {
      arbitrary: fc.uint8Array({ maxLength: 300 }).map((data) => ({ data, binary: true })),
      weight: 4,
    },
    {
      arbitrary: fc
        .oneof(
          fc.json({ maxDepth: 2 }),
          fc.string({ unit: 'binary', maxLength: 100 }),
          fc
            .record({ type: fc.constant('resize'), cols: resizeValue, rows: resizeValue })
            .map((m) => JSON.stringify(m)),
          fc
            .record({
              type: fc.constant('ping'),
              id: fc.oneof(fc.integer(), fc.double(), fc.string()),
            })
            .map((m) => JSON.stringify(m)),
          fc.constant(JSON.stringify({ type: 'x'.repeat(2000) })),
        )
        .map((s) => ({ data: utf8(s), binary: false })),
      weight: 5,
    },
    {
      // Text frames that are not UTF-8, and frames over the limit: the socket closes.
      arbitrary: fc.constantFrom(
        { data: new Uint8Array([0xc0, 0xaf, 0xff]), binary: false },
        { data: new Uint8Array(70 * 1024), binary: true },
      ),
      weight: 1,
    },
  )
  .map((f) => ({ kind: 'frame' as const, ...f }));

export function httpCase(route: fc.Arbitrary<{ method?: string; path: string }>) {
  return fc
    .record({
      route,
      method: fc.constantFrom(...methods),
      keepMethod: fc.boolean(),
      query,
      body: fc.option(body, { nil: undefined }),
      contentType: fc.constantFrom('application/json', 'text/plain', undefined),
      origin,
      as,
    })
    .map(({ route, method, keepMethod, body, ...rest }): HttpCase => {
      const effective = keepMethod && route.method ? route.method : method;
      const bodyless = effective === 'GET' || effective === 'HEAD';
      return {
        kind: 'http',
        method: effective,
        path: route.path,
        ...rest,
        body: bodyless ? undefined : body,
      };
    });
}
