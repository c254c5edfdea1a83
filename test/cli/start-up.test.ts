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

  const serve = (dir = dataDir, socket = testSocketPath()) => {
    const started = spawn(process.execPath, [bin, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dir,
        LISTEN_PORT: '0',
        PODMAN_SOCKET: socket,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const logged: { msg: string; [key: string]: unknown }[] = [];
    const listening = (async () => {
      if (!started.stdout) throw new Error('no stdout');
      for await (const line of createInterface({ input: started.stdout })) {
        const entry = JSON.parse(line);
        logged.push(entry);
        if (entry.msg === 'listening') return entry.address.port as number;
      }
      throw new Error(`the server ended before listening: ${stderr}`);
    })();
    return { child: started, listening, stderr: () => stderr, logged };
  };
  const stop = async (running: ChildProcess) => {
    running.kill('SIGTERM');
    const [code] = await once(running, 'exit');
    return code;
  };

  it('serves with the embedded database and reports itself ready, then stops on SIGTERM', async () => {
    const first = serve();
    const port = await first.listening;
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      checks: { name: string }[];
      cleanup: { nextRunAt: string };
    };
    expect(body.checks.map((c) => c.name)).toEqual([
      'database',
      'podman',
      'cleanup scheduler',
      'podman events',
    ]);
    // The first cleanup runs a few minutes after start.
    const firstRun = new Date(body.cleanup.nextRunAt).getTime() - Date.now();
    expect(firstRun).toBeGreaterThan(4 * 60_000);
    expect(firstRun).toBeLessThanOrEqual(5 * 60_000 + 1_000);
    expect(await stop(first.child)).toBe(0);
  });

  it('starts the Podman API service itself where its socket is missing, and says so', async () => {
    const socketDir = mkdtempSync(join(tmpdir(), 'claude-web-nosocket-'));
    const socket = join(socketDir, 'podman.sock');
    const running = serve(mkdtempSync(join(tmpdir(), 'claude-web-serve-')), socket);
    let servicePid: number | undefined;
    try {
      const port = await running.listening;
      const said = running.logged.find((e) => /started `podman system service`/.test(e.msg));
      expect(said, running.stderr()).toMatchObject({ socket, pid: expect.any(Number) });
      servicePid = said?.pid as number;
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toMatchObject({
        checks: expect.arrayContaining([{ name: 'podman', ok: true }]),
      });
      expect(await stop(running.child)).toBe(0);
      // The service outlives the server, as a socket-activated one would.
      expect(() => process.kill(servicePid ?? 0, 0)).not.toThrow();
    } finally {
      if (servicePid) process.kill(servicePid, 'SIGTERM');
      rmSync(socketDir, { recursive: true, force: true });
    }
  });

  it('creates the first administrator once, showing the password on stderr only', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'claude-web-first-'));
    const initial = serve(fresh);
    const port = await initial.listening;
    const password = initial
      .stderr()
      .match(/^claude-web: password \(shown once, not stored\): ([A-Za-z0-9_-]{24})$/m)?.[1];
    expect(initial.stderr()).toMatch(/created the administrator "admin"/);
    const login = await fetch(`http://127.0.0.1:${port}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ user: { username: 'admin', isAdmin: true } });
    await stop(initial.child);

    const again = serve(fresh);
    await again.listening;
    expect(again.stderr()).toBe('');
    await stop(again.child);
    rmSync(fresh, { recursive: true, force: true });
  });
});
