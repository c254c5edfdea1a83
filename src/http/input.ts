import { createMiddleware } from 'hono/factory';
import { httpErrors } from './errors.js';

/** The longest path and query string accepted, in bytes as sent (percent-encoded). */
export const MAX_PATH_BYTES = 2048;
export const MAX_QUERY_BYTES = 4096;
/** Every JSON body of the API fits easily; larger ones are refused before being read whole. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Control characters (NUL included): never part of a name, an id or a query value. */
const CONTROL = /\p{Cc}/u;

/**
 * Decodes one percent-encoded part of a URL strictly: malformed escapes, bytes that are not
 * UTF-8 (overlong forms included) and control characters are refused with
 * `http.bad_request`, where a lenient decoder would pass them on to the routes.
 */
export function decodeUrlPart(raw: string, where: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw httpErrors.badUrl(`has malformed percent-encoding in its ${where}`);
  }
  if (CONTROL.test(decoded)) throw httpErrors.badUrl(`has a control character in its ${where}`);
  return decoded;
}

/** The URL of a request target as Node received it (origin-form, or absolute-form). */
export function requestUrl(target: string | undefined, origin: string): URL {
  try {
    return new URL(target ?? '/', origin);
  } catch {
    throw httpErrors.badUrl('is not a valid request target');
  }
}

/** Checks a request target (path and query, as sent) before any route sees it. */
export function checkRequestTarget(url: URL): void {
  if (url.pathname.length > MAX_PATH_BYTES)
    throw httpErrors.badUrl(`path is longer than ${MAX_PATH_BYTES} bytes`);
  if (url.search.length > MAX_QUERY_BYTES)
    throw httpErrors.badUrl(`query is longer than ${MAX_QUERY_BYTES} bytes`);
  for (const segment of url.pathname.split('/')) decodeUrlPart(segment, 'path');
  for (const pair of url.search.slice(1).split('&')) {
    for (const part of pair.split('=')) decodeUrlPart(part.replaceAll('+', ' '), 'query');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Every request: a well-formed target, and a body of at most MAX_BODY_BYTES that is UTF-8
 * text. Runs first, so that the routes only ever see input they can trust the shape of.
 */
export function checkedInput() {
  return createMiddleware(async (c, next) => {
    checkRequestTarget(new URL(c.req.url));
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) throw httpErrors.tooLarge(MAX_BODY_BYTES);
    if (c.req.raw.body) {
      const body = await readLimited(c.req.raw.body);
      try {
        utf8.decode(body);
      } catch {
        throw httpErrors.badBody('is not valid UTF-8');
      }
      c.req.raw = new Request(c.req.raw, { body });
    }
    await next();
  });
}

/** Reads a body whose length was not declared, refusing it once it passes the limit. */
async function readLimited(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw httpErrors.tooLarge(MAX_BODY_BYTES);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * The request's JSON body: `{}` when there is none (every body of the API is optional or
 * checked by its route), `http.bad_request` when it is not JSON.
 */
export async function jsonBody(c: { req: { text(): Promise<string> } }): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw httpErrors.notJson();
  }
}
