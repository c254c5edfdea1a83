/**
 * The other side of bench/login-storm.ts: a process of its own that fires a storm of
 * concurrent wrong logins when asked, as other machines would. Each login is a raw HTTP/1.1
 * request written on its own connection as soon as it is connected: the storm's cost on this
 * machine is then the server's, not an HTTP client's (fetch spent about 100 ms of a core
 * making 200 requests, on the two cores the terminals share).
 * Asked with `{ origin, round, logins }` over IPC; answers with the statuses.
 */
import { connect } from 'node:net';

function login(origin: URL, body: string): Promise<number> {
  const request = [
    'POST /api/login HTTP/1.1',
    `Host: ${origin.host}`,
    `Origin: ${origin.origin}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(origin.port), origin.hostname, () => socket.write(request));
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', () => resolve(0));
    socket.on('close', () => resolve(Number(answer.split(' ')[1] ?? 0)));
  });
}

process.on('message', async (ask: { origin: string; round: number; logins: number }) => {
  const origin = new URL(ask.origin);
  const statuses = await Promise.all(
    Array.from({ length: ask.logins }, (_, i) =>
      // Usernames of their own each round: no username's slow-down carries over.
      login(origin, JSON.stringify({ username: `nobody${ask.round}x${i}`, password: 'wrong' })),
    ),
  );
  process.send?.(statuses);
});
process.on('disconnect', () => process.exit(0));
