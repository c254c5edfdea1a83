import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener, RequestError } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from '../log/logger.js';
import { httpErrors, rawHttpAnswer, toHttpError } from './errors.js';
import { requestsInTurns } from './request-turns.js';

export interface RunningServer {
  /** The Node HTTP server, for WebSocket upgrades. */
  server: Server;
  /** host:port actually bound (the port is chosen by the OS when 0 was asked for). */
  address: AddressInfo;
  close(): Promise<void>;
}

/**
 * Serves `app` on Node's HTTP server. Whatever a client sends, the answer to a bad request is
 * the JSON error every route gives: a request Node cannot parse, one @hono/node-server
 * cannot turn into a Request (no Host, a backslash in the path), and a failure outside the
 * app's own error handler.
 */
export function startServer(
  app: Hono,
  listen: { host: string; port: number },
  log?: Logger,
): Promise<RunningServer> {
  const errorHandler = (error: unknown) => {
    const bad = error instanceof RequestError;
    if (!bad) log?.error({ err: error }, 'request failed outside the app');
    const { status, body } = toHttpError(
      bad ? httpErrors.notHttp(undefined, error.message) : error,
    );
    return Response.json(body, { status });
  };
  // Node's own answer to a missing Host has no body; the listener's is the JSON error.
  const server = createServer(
    { requireHostHeader: false },
    requestsInTurns(getRequestListener(app.fetch, { errorHandler })),
  );
  server.on('clientError', answerClientError);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve({
        server,
        address: server.address() as AddressInfo,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * A request Node could not parse gets the JSON error of every other bad request; a client
 * that reset its connection gets nothing.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(rawHttpAnswer(httpErrors.notHttp(error.code, error.message)));
}
