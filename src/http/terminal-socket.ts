import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { HEARTBEAT_MS } from '../cleanup/policy.js';
import { isAppError } from '../errors/app-error.js';
import { trackActivity } from '../terminals/activity.js';
import { bridgeTerminal } from '../terminals/bridge.js';
import { keepAlive } from '../terminals/keepalive.js';
import { newShellBanner } from '../terminals/new-shell.js';
import {
  encodeControl,
  MAX_INPUT_BYTES,
  type ServerControl,
  type StatusMessage,
} from '../terminals/protocol.js';
import { createIdentity } from './identity.js';
import {
  authorize,
  badHandshake,
  type Granted,
  keepAuthorized,
  refuse,
} from './terminal-access.js';
import type { TerminalSocketDeps } from './terminal-socket-deps.js';
import { followUpdates } from './terminal-updates.js';

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
