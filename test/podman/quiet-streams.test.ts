import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../src/podman/transport.js';

/**
 * A peer on a unix socket that answers at once and then stays quiet before the body, as
 * Podman's event stream does on a calm host. The body timeout is shortened so that the
 * quiet need not last Podman's real five minutes.
 */
describe('quiet streams from the Podman socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-quiet-'));
  const socketPath = join(dir, 'api.sock');
  let server: Server;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      setTimeout(() => res.end('{"Action":"died"}\n'), 3_000);
    });
    server.listen(socketPath);
    await once(server, 'listening');
  });
  afterAll(async () => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a stream stay quiet past the body timeout that ends other calls', async () => {
    const transport = createTransport({ socketPath, bodyTimeoutMs: 1_000 });
    try {
      await expect(transport.json({ path: '/info' })).rejects.toThrow(/timeout/i);
      const { body } = await transport.stream({ path: '/events' });
      expect(await body.text()).toBe('{"Action":"died"}\n');
    } finally {
      await transport.close();
    }
  });
});
