import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { type ErrorCode, isAppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import { CLOSE, LIMITS } from '../terminals/protocol.js';
import { httpErrors, rawHttpAnswer, toHttpError } from './errors.js';
import type { Identity } from './identity.js';
import { checkRequestTarget, decodeUrlPart, requestUrl } from './input.js';
import type { TerminalSocketDeps } from './terminal-socket-deps.js';

// Who may open a terminal socket: checked before its upgrade, and again while it is open.

const PATH = /^\/api\/sessions\/([^/]+)\/terminal$/;

/** A handshake ws finds invalid (no key, wrong version), as a 400. */
export const badHandshake = (error: Error) =>
  httpErrors.badRequest(`not a valid WebSocket handshake: ${error.message}`);

/** What an authorized upgrade opens: whose terminal, which session, at what size. */
export type Granted = Awaited<ReturnType<typeof authorize>>;

/** A recheck that failed with one of these could not ask: the login may well be fine. */
const UNANSWERED: ReadonlySet<ErrorCode> = new Set(['db.unreachable', 'podman.unreachable']);

/**
 * An open terminal stays open only while its login does: every `recheckMs` the upgrade's
 * credentials are checked again, so that a logout, an expiry or a disabled user (even by a
 * command in another process) closes it with 4401.
 */
export function keepAuthorized(
  ws: WebSocket,
  recheck: () => Promise<unknown>,
  deps: TerminalSocketDeps,
) {
  let cancel = () => {};
  const arm = () => {
    cancel = deps.clock.setTimeout(async () => {
      const ok = await recheck().then(
        () => true,
        (error: unknown) => !isAppError(error) || UNANSWERED.has(error.code),
      );
      if (!ok) ws.close(CLOSE.unauthorized, 'logged out');
      else if (ws.readyState === ws.OPEN) arm();
    }, deps.recheckMs ?? 60_000);
  };
  arm();
  ws.on('close', () => cancel());
}

/**
 * The upgrade's path, origin, login and session ownership, checked before it is taken; the
 * size comes from the query, bounded, else 80x24.
 */
export async function authorize(
  req: IncomingMessage,
  identity: Identity,
  deps: TerminalSocketDeps,
) {
  const url = requestUrl(req.url, deps.publicOrigin);
  checkRequestTarget(url);
  const match = PATH.exec(url.pathname);
  if (!match) throw httpErrors.notFound(`no WebSocket at ${url.pathname}`);
  if (req.headers.origin !== deps.publicOrigin) {
    const origin = req.headers.origin ?? 'no origin';
    throw httpErrors.forbiddenOrigin(`WebSockets from ${origin} are not accepted`);
  }
  const user = await identity.ofUpgrade(req);
  const sessionId = decodeUrlPart(match[1] ?? '', 'path');
  await deps.sessionsService.own(user, sessionId);
  const dimension = (name: 'cols' | 'rows', fallback: number) => {
    const n = Number(url.searchParams.get(name) ?? fallback);
    return Number.isInteger(n) && n >= LIMITS[name].min && n <= LIMITS[name].max ? n : fallback;
  };
  return { user, sessionId, size: { cols: dimension('cols', 80), rows: dimension('rows', 24) } };
}

/**
 * A refused upgrade is a plain HTTP answer, mapped like every other error; what is not an
 * application error is a bug, logged with its stack. A client already gone gets nothing.
 */
export function refuse(socket: Duplex, error: unknown, log: Logger) {
  if (toHttpError(error).status >= 500) log.error({ err: error }, 'terminal upgrade failed');
  if (socket.destroyed || !socket.writable) return void socket.destroy();
  socket.end(rawHttpAnswer(error));
}
