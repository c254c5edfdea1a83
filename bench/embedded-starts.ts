/**
 * Starts the server on a fresh embedded database (PGlite) again and again while both cores
 * are kept busy by other processes, and counts the starts that reach /readyz 200.
 * Run as root after test/harness/provision-host.sh:  node --import tsx bench/embedded-starts.ts [starts]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, serverEnv } from '../test/support/server-process.js';

const starts = Number(process.argv[2] ?? 50);
const bin = join(import.meta.dirname, '../bin/claude-web.js');
const burners = Array.from({ length: availableParallelism() }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);

/** One start: resolves the milliseconds to /readyz 200, or what the server said instead. */
async function start(): Promise<{ ms?: number; failure?: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-start-'));
  const port = await freePort();
  const began = performance.now();
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { ...serverEnv(dataDir, port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    while (performance.now() - began < 120_000) {
      if (child.exitCode !== null) return { failure: `exited ${child.exitCode}: ${stderr.trim()}` };
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ready) return { ms: performance.now() - began };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { failure: `not ready within 120 s: ${stderr.trim()}` };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

try {
  const times: number[] = [];
  const failures: string[] = [];
  for (let i = 0; i < starts; i++) {
    const result = await start();
    if (result.ms !== undefined) times.push(result.ms);
    else failures.push(`start ${i + 1}: ${result.failure}`);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.floor(q * (times.length - 1))] ?? Number.NaN).toFixed(0);
  console.log(
    `${times.length} of ${starts} starts on a fresh embedded database reached /readyz 200`,
  );
  console.log(`time to ready with every core busy: p50 ${at(0.5)} ms, max ${at(1)} ms`);
  for (const failure of failures) console.log(failure);
  process.exitCode = failures.length === 0 ? 0 : 1;
} finally {
  for (const burner of burners) burner.kill('SIGKILL');
}
