import { connect, type Socket } from 'node:net';

/** A WebSocket upgrade request for `path`, as a browser on `origin` sends it. */
export function upgradeRequest(
  path: string,
  { origin, cookie, port }: { origin: string; cookie?: string; port: number },
): Buffer {
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    `Origin: ${origin}`,
    ...(cookie ? [`Cookie: ${cookie}`] : []),
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
}

/** A connection to the server whose errors (the resets it causes itself) are expected. */
export async function rawConnection(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Sends `bytes` and resolves with everything the server answered until it closed. */
export async function rawExchange(port: number, bytes: Buffer, timeoutMs = 10_000) {
  const socket = await rawConnection(port);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.end(bytes);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  await ended;
  clearTimeout(timer);
  return Buffer.concat(chunks).toString('latin1');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Every HTTP/1.1 response in what a server sent on one connection (bodies by length or chunked). */
export function parseResponses(answer: string): RawResponse[] {
  const found: RawResponse[] = [];
  let rest = answer;
  for (;;) {
    const status = /^HTTP\/1\.1 (\d{3})[^\r\n]*\r\n/.exec(rest);
    const end = rest.indexOf('\r\n\r\n');
    if (!status || end < 0) return found;
    const headers: Record<string, string> = {};
    for (const line of rest.slice(status[0].length, end).split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    rest = rest.slice(end + 4);
    let body = '';
    if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const eol = rest.indexOf('\r\n');
        const size = Number.parseInt(rest.slice(0, eol), 16);
        rest = rest.slice(eol + 2);
        if (eol < 0 || !(size > 0)) break;
        body += rest.slice(0, size);
        rest = rest.slice(size + 2);
      }
      rest = rest.slice(rest.indexOf('\r\n') + 2);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      body = rest.slice(0, length);
      rest = rest.slice(length);
    }
    found.push({ status: Number(status[1]), headers, body });
  }
}
