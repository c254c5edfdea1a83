import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { realPodman, testSocketPath } from '../support/podman.js';

// The installed entry point, exactly as an operator or the systemd unit runs it.
const bin = join(import.meta.dirname, '../../bin/claude-web.js');
const run = (env: Record<string, string>, args: string[] = []) =>
  spawnSync(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });

describe('claude-web start-up', () => {
  it('stops at once on a bad setting, with one line naming it', () => {
    const result = run({ CONTAINER_CLEANUP_HOURS: 'abc' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'claude-web: CONTAINER_CLEANUP_HOURS="abc" is invalid: expected a number of hours greater than 0, such as 24 or 0.5\n',
    );
  });

  it('prints its version', () => {
    expect(run({}, ['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

const podman = await realPodman();

describe.skipIf(!podman)('claude-web serve', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-serve-'));
  let child: ChildProcess | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await podman?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves with the embedded database and reports itself ready, then stops on SIGTERM', async () => {
    child = spawn(process.execPath, [bin, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        LISTEN_PORT: '0',
        PODMAN_SOCKET: testSocketPath(),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (!child.stdout) throw new Error('no stdout');
    const lines = createInterface({ input: child.stdout });
    let port = 0;
    for await (const line of lines) {
      const entry = JSON.parse(line);
      if (entry.msg === 'listening') {
        port = entry.address.port;
        break;
      }
    }
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
