import { AppError, type ErrorCode } from '../errors/app-error.js';

/** A non-2xx answer from Podman, carrying its status and Podman's own message. */
export class PodmanError extends AppError {
  readonly status: number;
  readonly podmanMessage: string;

  constructor(status: number, podmanMessage: string, request: string) {
    super(codeFor(status), `podman ${request}: ${status} ${podmanMessage}`, {
      details: { status, podmanMessage, request },
    });
    this.name = 'PodmanError';
    this.status = status;
    this.podmanMessage = podmanMessage;
  }
}

const codes: Record<number, ErrorCode> = {
  304: 'podman.not_modified',
  400: 'podman.bad_request',
  404: 'podman.not_found',
  409: 'podman.conflict',
  500: 'podman.server_error',
};

function codeFor(status: number): ErrorCode {
  return codes[status] ?? 'podman.error';
}

export function isPodmanError(error: unknown, status?: number): error is PodmanError {
  return error instanceof PodmanError && (status === undefined || error.status === status);
}

/** `operation`'s result, or undefined where Podman answered 404: there is no such thing. */
export async function unlessMissing<T>(operation: Promise<T>): Promise<T | undefined> {
  return operation.catch((error: unknown) => {
    if (isPodmanError(error, 404)) return undefined;
    throw error;
  });
}

/** Podman's socket could not be reached at all: nothing was asked, nothing answered. */
export function podmanUnreachable(socketPath: string, cause: unknown): AppError {
  const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? String(cause);
  return new AppError(
    'podman.unreachable',
    `cannot reach the Podman API at ${socketPath} (${reason}); is \`podman system service\` or podman.socket running?`,
    { cause, details: { socketPath } },
  );
}

/** Podman's socket took a call and did not begin to answer it within `ms`. */
export function podmanSilent(socketPath: string, request: string, ms: number): AppError {
  return new AppError(
    'podman.unreachable',
    `the Podman API at ${socketPath} did not answer ${request} within ${Math.round(ms / 1000)} s; is \`podman system service\` stuck?`,
    { details: { socketPath, request, waitedMs: ms } },
  );
}

/** A slow call given up because the service stopped answering pings beside it. */
export function podmanStoppedAnswering(request: string, ping: unknown): AppError {
  return new AppError(
    'podman.unreachable',
    `${request} was given up, as Podman stopped answering: ${(ping as Error).message}`,
    { cause: ping, details: { request } },
  );
}

/**
 * A command's output ended while Podman still counted the command as running: whatever was
 * read is not all it said, and its exit code is not known.
 */
export function execOutputCut(container: string, cmd: string[]): AppError {
  return new AppError(
    'podman.error',
    `the output of \`${cmd.join(' ')}\` in ${container} ended before the command did`,
    { details: { container, cmd } },
  );
}

/** Podman answers errors as `{"cause": …, "message": …, "response": status}`. */
export function podmanErrorFromBody(status: number, body: string, request: string): PodmanError {
  let message = body.trim();
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not JSON: keep the text as Podman sent it.
  }
  return new PodmanError(status, message || '(empty response)', request);
}

/** Podman's build reported an error line. */
export function imageBuildFailed(tag: string, podmanMessage: string): AppError {
  return new AppError('image.build_failed', `building ${tag} failed: ${podmanMessage.trim()}`, {
    details: { tag, podmanMessage },
  });
}
