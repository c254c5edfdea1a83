import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The real Podman API socket behind a relay that can fail as a service does: `down` as a
 * crashed one (nothing listens), `freeze` as a stuck one (connections are taken, and
 * nothing goes through either way until `thaw`).
 */
export async function podmanRelay(target: string) {
  const dir = mkdtempSync(join(tmpdir(), 'claude-web-relay-'));
  const path = join(dir, 'podman.sock');
  const open = new Set<Socket>();
  let relay: Server | undefined;
  let frozen = false;
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk) => {
      if (!frozen) to.write(chunk);
    });

  const up = async () => {
    relay = createServer((client) => {
      const service = connect(target);
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
        forward(s, other);
      }
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
    async close() {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
