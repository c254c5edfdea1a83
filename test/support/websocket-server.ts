import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** A real WebSocket server on loopback handing each connection to `onConnection`. */
export async function webSocketServer(onConnection: (socket: WebSocket) => void) {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', onConnection);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close() {
      wss.close();
      http.close();
    },
  };
}
