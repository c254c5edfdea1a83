import { STATUS_CODES } from 'node:http';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorCode } from '../errors/app-error.js';

/** A failure of claude-web or of what it runs on, not of the request: a 500. */
const INTERNAL = 500;

/**
 * The one place where error codes become HTTP statuses; every code has one (the compiler
 * holds this table to `ErrorCode`), and the README lists them.
 */
export const statusByCode: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  'http.bad_request': 400,
  'http.too_large': 413,
  'http.headers_too_large': 431,
  'http.timeout': 408,
  'http.not_found': 404,
  'http.forbidden_origin': 403,
  'auth.invalid_credentials': 401,
  'auth.unauthenticated': 401,
  'auth.rate_limited': 429,
  'auth.busy': 429,
  'auth.hashing_failed': 503,
  'auth.untrusted_proxy': 403,
  'auth.forbidden': 403,
  'admin.not_confirmed': 400,
  'cleanup.busy': 409,
  'volume.in_use': 409,
  'workspace.foreign': 409,
  'volume.not_found': 404,
  'workspace.invalid_user_id': 400,
  'workspace.not_found': 404,
  'auth.weak_password': 400,
  'user.not_found': 404,
  'user.username_taken': 409,
  'user.invalid_username': 400,
  'session.not_found': 404,
  'session.name_taken': 409,
  'session.invalid_name': 400,
  'terminal.invalid_session': 404,
  'podman.unreachable': 503,
  'workspace.busy': 503,
  'db.unreachable': 503,
  'cli.not_confirmed': INTERNAL,
  'cli.usage': INTERNAL,
  'config.env_file_unreadable': INTERNAL,
  'config.invalid': INTERNAL,
  'db.in_use': INTERNAL,
  'db.migration_failed': INTERNAL,
  'db.start_failed': INTERNAL,
  'image.build_failed': INTERNAL,
  'image.fetch_failed': INTERNAL,
  'podman.bad_request': INTERNAL,
  'podman.conflict': INTERNAL,
  'podman.error': INTERNAL,
  'podman.not_found': INTERNAL,
  'podman.not_modified': INTERNAL,
  'podman.server_error': INTERNAL,
  'systemd.command_failed': INTERNAL,
  'terminal.attach_failed': INTERNAL,
  'workspace.not_execable': INTERNAL,
};

/** Node's codes for requests it could not parse, where they have a code of their own. */
const UNPARSED: Readonly<Record<string, ErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'http.headers_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'http.timeout',
};

/** Every error of the HTTP layer's own making. */
export const httpErrors = {
  badRequest: (message: string) => new AppError('http.bad_request', message),
  notFound: (message: string) => new AppError('http.not_found', message),
  forbiddenOrigin: (message: string) => new AppError('http.forbidden_origin', message),
  /** A request Node could not parse, by Node's error code. */
  notHttp: (nodeCode: string | undefined, message: string) =>
    new AppError(
      UNPARSED[nodeCode ?? ''] ?? 'http.bad_request',
      `the request is not valid HTTP (${nodeCode ?? message})`,
    ),
  badUrl: (why: string) => new AppError('http.bad_request', `the request URL ${why}`),
  badBody: (why: string) => new AppError('http.bad_request', `the request body ${why}`),
  notJson: () => new AppError('http.bad_request', 'the request body is not JSON'),
  tooLarge: (maxBytes: number) =>
    new AppError('http.too_large', `request bodies are at most ${maxBytes} bytes`),
  forbidden: () => new AppError('auth.forbidden', 'only administrators may do this'),
  notConfirmed: (user: string) =>
    new AppError(
      'admin.not_confirmed',
      `deleting a home volume needs {"confirm": ${JSON.stringify(user)}} in the body`,
    ),
};

export interface ErrorBody {
  error: { code: string; message: string };
}

export interface HttpError {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers: Record<string, string>;
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof AppError) {
    const retry = error.details.retryAfterSeconds;
    return {
      status: statusByCode[error.code],
      body: { error: { code: error.code, message: error.message } },
      headers: typeof retry === 'number' ? { 'retry-after': String(retry) } : {},
    };
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'internal error' } },
    headers: {},
  };
}

/**
 * The same answer written straight to a socket, for requests that never reach the app: a
 * refused WebSocket upgrade, a request Node could not parse. The connection closes after.
 */
export function rawHttpAnswer(error: unknown): string {
  const { status, body } = toHttpError(error);
  const payload = JSON.stringify(body);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(payload)}`,
    'connection: close',
    '',
    payload,
  ].join('\r\n');
}
