/**
 * Time from `ensure` to an exec-able workspace, for a new user and for a stopped one,
 * beside the raw commands underneath it, measured in one run on one machine. Run as the
 * account that owns the workspaces, configured like the server (bench/run.sh does both
 * drivers):  node --import tsx bench/workspaces.ts [rounds]
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { systemClock } from '../src/clock/clock.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/log/logger.js';
import { workspaceNames } from '../src/naming/workspace-names.js';
import { createPodmanClient } from '../src/podman/client.js';
import { createWorkspaceDriver, workspaceSettings } from '../src/workspaces/create-driver.js';
import { createImageBuilder } from '../src/workspaces/image-builder.js';
import { createSystemctl } from '../src/workspaces/systemctl.js';

const rounds = Number(process.argv[2] ?? 5);
const sh = promisify(execFile);
const config = loadConfig({ env: process.env, uid: process.getuid?.() ?? 0, homeDir: homedir() });
const log = createLogger({ level: 'warn', stream: 'stderr' });
const podman = createPodmanClient({ socketPath: config.podman.socketPath });
const systemctl = createSystemctl();
const image = config.workspace.image;
const containerfile = fileURLToPath(new URL('../Containerfile', import.meta.url));
const driver = await createWorkspaceDriver({
  kind: config.workspace.driver,
  podman,
  clock: systemClock,
  systemctl,
  settings: workspaceSettings(config.workspace),
  quadletDir: config.workspace.quadletDir,
  images: createImageBuilder({
    podman,
    log,
    containerfile,
    contextDir: join(config.dataDir, 'image-context'),
    buildArgs: {},
  }),
});
const run = `bench${randomBytes(2).toString('hex')}`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function repeat(
  prepare: (i: number) => Promise<void>,
  fn: (i: number) => Promise<unknown>,
  after: (i: number) => Promise<unknown>,
) {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await prepare(i);
    times.push(await timed(() => fn(i)));
    await after(i);
  }
  return times.sort((a, b) => a - b);
}

const none = async () => {};
const userId = (i: number) => `${run}u${i}`;

/** A unit written by hand with the same image: what `systemctl --user start` costs alone. */
async function rawSystemctlStart(): Promise<number[]> {
  const name = `claude-web-${run}-raw`;
  const file = join(config.workspace.quadletDir, `${name}.container`);
  await writeFile(
    file,
    `[Container]\nImage=${image}\nContainerName=${name}\n\n[Service]\nSuccessExitStatus=143\n`,
  );
  await systemctl(['daemon-reload']);
  try {
    return await repeat(
      none,
      () => systemctl(['start', `${name}.service`]),
      () => systemctl(['stop', `${name}.service`]),
    );
  } finally {
    await rm(file, { force: true });
    await systemctl(['daemon-reload']);
  }
}

async function rawPodmanRun(): Promise<number[]> {
  const name = (i: number) => `claude-web-${run}-run${i}`;
  return repeat(
    none,
    (i) => sh('podman', ['run', '-d', '--name', name(i), image]),
    (i) => sh('podman', ['rm', '-f', '-t', '0', name(i)]),
  );
}

try {
  const version = (await podman.version()).Version;
  const measured: Row[] = [
    ['ensure, new user (to exec-able)', await repeat(none, (i) => driver.ensure(userId(i)), none)],
    [
      'ensure, stopped workspace (to exec-able)',
      await repeat(
        (i) => driver.stop(userId(i)),
        (i) => driver.ensure(userId(i)),
        none,
      ),
    ],
  ];
  const raw: Row[] = [['podman run -d', await rawPodmanRun()]];
  if (driver.name === 'quadlet')
    raw.push(['systemctl --user start, hand-written unit', await rawSystemctlStart()]);
  report(`${driver.name} driver, Podman ${version}, ${rounds} rounds`, measured, raw);
} finally {
  for (let i = 0; i < rounds; i++) {
    await driver.remove(userId(i)).catch(() => {});
    await podman.volumes.remove(workspaceNames(userId(i)).volume, { force: true }).catch(() => {});
  }
  await podman.close();
}

type Row = [name: string, sortedMs: number[]];

function report(title: string, measured: Row[], raw: Row[]) {
  const median = (t: number[]) => t[Math.floor(t.length / 2)] ?? Number.NaN;
  const ms = (n: number | undefined) => `${(n ?? Number.NaN).toFixed(0)} ms`.padStart(9);
  console.log(`\n${title}`);
  console.log(
    `${'measurement'.padEnd(50)}${'median'.padStart(9)}${'min'.padStart(9)}${'max'.padStart(9)}`,
  );
  for (const [name, t] of [...measured, ...raw.map(([n, t]): Row => [`${n} (raw)`, t])]) {
    console.log(`${name.padEnd(50)}${ms(median(t))}${ms(t[0])}${ms(t.at(-1))}`);
  }
  for (const [rawName, rawTimes] of raw) {
    console.log(`\nmedian ratio to ${rawName}:`);
    for (const [name, t] of measured)
      console.log(`  ${name.padEnd(48)}${(median(t) / median(rawTimes)).toFixed(2)}x`);
  }
}
