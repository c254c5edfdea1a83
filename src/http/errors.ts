import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../errors/app-error.js';

/** The one place where error codes become HTTP statuses. Unlisted codes are 500s. */
const statusByCode: Record<string, ContentfulStatusCode> = {
  'user.not_found': 404,
  'user.username_taken': 409,
  'session.not_found': 404,
  'session.name_taken': 409,
  'podman.unreachable': 503,
  'db.unreachable': 503,
};

export interface ErrorBody {
  error: { code: string; message: string };
}

export function toHttpError(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof AppError) {
    return {
      status: statusByCode[error.code] ?? 500,
      body: { error: { code: error.code, message: error.message } },
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
}
