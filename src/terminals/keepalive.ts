import type { WebSocket } from 'ws';
import type { Clock } from '../clock/clock.js';

/**
 * Pings an open terminal socket every `intervalMs`, which keeps a quiet terminal open behind
 * proxies with idle timeouts, and closes (terminates) one whose peer missed two pongs in a
 * row: a half-open connection then ends, and its session becomes detached, instead of
 * staying attached forever.
 */
export function keepAlive(
  ws: WebSocket,
  { clock, intervalMs }: { clock: Clock; intervalMs: number },
) {
  let awaiting = false;
  let missed = 0;
  let cancel = () => {};
  ws.on('pong', () => {
    awaiting = false;
    missed = 0;
  });
  const tick = () => {
    if (ws.readyState !== ws.OPEN) return;
    if (awaiting) missed++;
    if (missed >= 2) return void ws.terminate();
    awaiting = true;
    ws.ping();
    cancel = clock.setTimeout(tick, intervalMs);
  };
  cancel = clock.setTimeout(tick, intervalMs);
  ws.on('close', () => cancel());
}
