import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface RunningServer {
  /** The Node HTTP server, for WebSocket upgrades. */
  server: Server;
  /** host:port actually bound (the port is chosen by the OS when 0 was asked for). */
  address: AddressInfo;
  close(): Promise<void>;
}

export function startServer(
  app: Hono,
  listen: { host: string; port: number },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, hostname: listen.host, port: listen.port },
      (address) => {
        server.off('error', reject);
        resolve({
          server: server as Server,
          address,
          close: () =>
            new Promise<void>((done, fail) => {
              server.close((error) => (error ? fail(error) : done()));
              (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
