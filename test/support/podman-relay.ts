import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The real Podman API socket behind a relay that can fail as a service does: `down` as a
 * crashed one (nothing listens), `freeze` as a stuck one (connections are taken, and
 * nothing goes through either way until `thaw`), `slow` as one busy with long work (the
 * answers to requests that match come that much later).
 */
export async function podmanRelay(target: string) {
  const dir = mkdtempSync(join(tmpdir(), 'claude-web-relay-'));
  const path = join(dir, 'podman.sock');
  const open = new Set<Socket>();
  let relay: Server | undefined;
  let frozen = false;
  const slow: { request: RegExp; ms: number }[] = [];
  /** Client to service; a request that matches holds back the answers on its connection. */
  const forward = (client: Socket, service: Socket) => {
    let holdUntil = 0;
    client.on('data', (chunk) => {
      if (frozen) return;
      const text = chunk.toString('latin1');
      const ms = slow.find((s) => s.request.test(text))?.ms ?? 0;
      if (ms) holdUntil = Date.now() + ms;
      service.write(chunk);
    });
    service.on('data', (chunk) => {
      if (frozen) return;
      const wait = holdUntil - Date.now();
      if (wait <= 0) return void client.write(chunk);
      service.pause();
      setTimeout(() => {
        if (!frozen) client.write(chunk);
        service.resume();
      }, wait);
    });
    // A half-close (a command's input ended) goes through; the other way stays open.
    client.on('end', () => frozen || service.end());
    service.on('end', () => frozen || client.end());
  };

  const up = async () => {
    relay = createServer({ allowHalfOpen: true }, (client) => {
      const service = connect({ path: target, allowHalfOpen: true });
      for (const [s, other] of [
        [client, service],
        [service, client],
      ] as const) {
        open.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          open.delete(s);
          other.destroy();
        });
      }
      forward(client, service);
    });
    relay.listen(path);
    await once(relay, 'listening');
  };
  const down = async () => {
    const closed = new Promise((resolve) => relay?.close(resolve));
    for (const s of open) s.destroy();
    await closed;
  };
  await up();
  return {
    path,
    up,
    down,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
    },
    /** Answers to requests whose first bytes match `request` come `ms` later. */
    slow: (request: RegExp, ms: number) => {
      slow.push({ request, ms });
    },
    async close() {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
