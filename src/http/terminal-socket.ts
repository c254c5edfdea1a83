import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { AuthService } from '../auth/auth-service.js';
import type { TrustedProxy } from '../auth/trusted-proxy.js';
import { HEARTBEAT_MS } from '../cleanup/policy.js';
import type { Clock } from '../clock/clock.js';
import type { SessionsRepository } from '../db/sessions-repository.js';
import { type ErrorCode, isAppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { Counters } from '../metrics/counters.js';
import { trackActivity } from '../terminals/activity.js';
import { bridgeTerminal } from '../terminals/bridge.js';
import { keepAlive } from '../terminals/keepalive.js';
import { newShellBanner } from '../terminals/new-shell.js';
import type { NoticeBoard } from '../terminals/notices.js';
import {
  CLOSE,
  encodeControl,
  LIMITS,
  MAX_INPUT_BYTES,
  type ServerControl,
  type StatusMessage,
} from '../terminals/protocol.js';
import type { RuntimeWatch } from '../terminals/runtime-watch.js';
import type { SessionsService } from '../terminals/sessions-service.js';
import type { WorkspaceDriver } from '../workspaces/driver.js';
import type { WorkspaceUsage } from '../workspaces/usage.js';
import { httpErrors, rawHttpAnswer, toHttpError } from './errors.js';
import { createIdentity, type Identity } from './identity.js';
import { checkRequestTarget, decodeUrlPart, requestUrl } from './input.js';
import { followUpdates } from './terminal-updates.js';

export interface TerminalSocketDeps {
  auth: AuthService;
  proxy?: TrustedProxy;
  sessionsService: SessionsService;
  sessions: SessionsRepository;
  workspaces: WorkspaceDriver;
  clock: Clock;
  /**
   * Paces terminal output (messages at most every few milliseconds while it streams): real
   * time, even where `clock` is a test's, which a stopped fake would hold output back on.
   */
  pacing: Clock;
  log: Logger;
  publicOrigin: string;
  /** Starts and attaches count as uses: cleanup leaves the workspace alone meanwhile. */
  usage: WorkspaceUsage;
  /** Removal notices of the users' workspaces, passed on to their terminals. */
  notices: NoticeBoard;
  /** Whether the runtime answers, told to attached terminals when it stops and starts. */
  runtime?: RuntimeWatch;
  /**
   * Before a start: recreates an outdated workspace on the current image when that cuts
   * nothing off (see workspaces/upgrade.ts); resolves whether it did.
   */
  upgradeOnVisit?: (userId: string) => Promise<boolean>;
  /** Input and output are recorded as activity at most this often per terminal. */
  activityEveryMs?: number;
  /** How often an attached terminal is recorded as activity (HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** How often an open terminal's login is checked again. */
  recheckMs?: number;
  /** How often open terminals are pinged (TERMINAL_KEEPALIVE_SECONDS). */
  keepaliveMs: number;
  /** Lines of history each attach restores (TERMINAL_SCROLLBACK_LINES), told to the page. */
  scrollbackLines: number;
  /** Frames from this size on are compressed when the browser offers it; absent: never. */
  deflateThreshold?: number;
  /** Where failed attaches and resizes and flow-control pauses are counted. */
  counters?: Counters;
}

/**
 * permessage-deflate for terminal output. Level 1: terminal output compresses well even so,
 * and a faster level keeps a `cat` of a big file from becoming the server's bottleneck.
 * Browsers need no context of their own kept (client_no_context_takeover).
 */
export function deflateOptions(thresholdBytes: number) {
  return {
    threshold: thresholdBytes,
    zlibDeflateOptions: { level: 1 },
    clientNoContextTakeover: true,
  };
}

const PATH = /^\/api\/sessions\/([^/]+)\/terminal$/;

/**
 * Serves `GET /api/sessions/:id/terminal` as a WebSocket (protocol in terminals/protocol.ts)
 * on the HTTP server. Origin, login and ownership are checked before the upgrade; a refusal
 * is a plain HTTP answer.
 */
export function serveTerminalSockets(server: Server, deps: TerminalSocketDeps): WebSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_INPUT_BYTES,
    perMessageDeflate:
      deps.deflateThreshold === undefined ? false : deflateOptions(deps.deflateThreshold),
  });
  const attached = new Map<string, number>();
  const identity = createIdentity(deps);
  // A handshake ws finds invalid (no key, wrong version) is answered like any refusal.
  wss.on('wsClientError', (error, socket) => refuse(socket, badHandshake(error), deps.log));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the socket over without an error listener: a client that resets it while
    // it is being authorized would otherwise end the process.
    socket.on('error', (err) => deps.log.debug({ err }, 'terminal socket error'));
    authorize(req, identity, deps).then(
      (granted) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => {
          connect(ws, granted, deps, attached);
          keepAuthorized(ws, () => identity.ofUpgrade(req), deps);
          keepAlive(ws, { clock: deps.clock, intervalMs: deps.keepaliveMs });
        });
      },
      (error: unknown) => refuse(socket, error, deps.log),
    );
  });
  return wss;
}

const badHandshake = (error: Error) =>
  httpErrors.badRequest(`not a valid WebSocket handshake: ${error.message}`);

type Granted = Awaited<ReturnType<typeof authorize>>;

/** A recheck that failed with one of these could not ask: the login may well be fine. */
const UNANSWERED: ReadonlySet<ErrorCode> = new Set(['db.unreachable', 'podman.unreachable']);

/**
 * An open terminal stays open only while its login does: every `recheckMs` the upgrade's
 * credentials are checked again, so that a logout, an expiry or a disabled user (even by a
 * command in another process) closes it with 4401.
 */
function keepAuthorized(ws: WebSocket, recheck: () => Promise<unknown>, deps: TerminalSocketDeps) {
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

/** Ensures the workspace, attaches, and keeps the session's status and activity current. */
function connect(
  ws: WebSocket,
  { user, sessionId, size }: Granted,
  deps: TerminalSocketDeps,
  attached: Map<string, number>,
) {
  const { workspaces, sessions } = deps;
  const userId = String(user.id);
  const send = (message: ServerControl) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeControl(message));
  };
  const status = (message: Omit<StatusMessage, 'type'>) => send({ type: 'status', ...message });
  const activity = trackActivity(sessionId, {
    touch: (id, now) => sessions.touch(id, now),
    clock: deps.clock,
    log: deps.log,
    everyMs: deps.activityEveryMs ?? 30_000,
    heartbeatMs: deps.heartbeatMs ?? HEARTBEAT_MS,
    onRecorded: () => deps.notices.used(userId),
  });
  activity.arriving();
  let unsubscribe = () => {};
  const attaching = deps.usage.use(userId, async () => {
    status({ state: 'starting', detail: 'starting your workspace' });
    if (await deps.upgradeOnVisit?.(userId))
      status({ state: 'starting', detail: 'moved your workspace to the new image' });
    const workspace = await workspaces.ensure(userId, {
      onProgress: (line) => status({ state: 'starting', detail: line }),
    });
    const terminal = await deps.sessionsService.whileLive(user, sessionId, (session) =>
      workspaces.attach(userId, {
        session: sessionId,
        size,
        newShellBanner: newShellBanner(session.shellSeenAt, workspace.startedAt),
      }),
    );
    await sessions.attached(sessionId, deps.clock.now());
    // Counted only once attached for good: `detached` undoes only successful attaches.
    attached.set(sessionId, (attached.get(sessionId) ?? 0) + 1);
    const attachedStatus: StatusMessage = {
      type: 'status',
      state: 'attached',
      keepaliveMs: deps.keepaliveMs,
      scrollbackLines: deps.scrollbackLines,
    };
    send(attachedStatus);
    activity.attached();
    if (ws.readyState === ws.OPEN) unsubscribe = followUpdates(userId, deps, send, attachedStatus);
    return terminal;
  });
  bridgeTerminal(ws, attaching, {
    clock: deps.pacing,
    onInput: activity.used,
    onOutput: activity.used,
    onError: (err) => deps.log.info({ err, session: sessionId }, 'terminal socket error'),
    onInternalError: (err) => deps.log.error({ err, session: sessionId }, 'terminal failed'),
    onAttachFailed: (code, err) => {
      deps.counters?.add('claude_web_attach_failures_total', { code });
      // A bug (not an application error) is logged with its stack by onInternalError.
      if (isAppError(err))
        deps.log.warn({ err, code, session: sessionId, user: userId }, 'terminal not attached');
    },
    onResizeFailed: () => deps.counters?.add('claude_web_resize_failures_total'),
    onPaused: () => deps.counters?.add('claude_web_flow_pauses_total'),
  });
  ws.on('close', () => {
    activity.stop();
    unsubscribe();
    void detached(sessionId, attaching, attached, deps);
  });
}

async function authorize(req: IncomingMessage, identity: Identity, deps: TerminalSocketDeps) {
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
function refuse(socket: Duplex, error: unknown, log: Logger) {
  if (toHttpError(error).status >= 500) log.error({ err: error }, 'terminal upgrade failed');
  if (socket.destroyed || !socket.writable) return void socket.destroy();
  socket.end(rawHttpAnswer(error));
}

async function detached(
  sessionId: string,
  attaching: Promise<unknown>,
  attached: Map<string, number>,
  deps: TerminalSocketDeps,
) {
  const ok = await attaching.then(
    () => true,
    () => false,
  );
  if (!ok) return;
  const left = (attached.get(sessionId) ?? 1) - 1;
  if (left > 0) return void attached.set(sessionId, left);
  attached.delete(sessionId);
  await deps.sessions
    .setStatus(sessionId, 'detached')
    .catch((err: unknown) => deps.log.warn({ err }, 'status not recorded'));
}
