import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUDO_CAPABILITIES, type WorkspaceUnitSpec } from '../../src/quadlet/workspace-units.js';
import { HOST_USER, type SystemdHost, systemdHost } from '../support/systemd-host.js';

const host = await systemdHost();
const casesDir = join(import.meta.dirname, 'cases');

/** What Podman's generator must make of each golden case, as flags of `podman run`. */
function expectedRunFlags(s: WorkspaceUnitSpec): string[] {
  const name = `claude-web-user-${s.userId}`;
  return [
    `--name ${name}`,
    `-v ${name}-data:${s.home}`,
    `--label claude-web.user=${s.userId}`,
    '--label claude-web.managed=true',
    `--userns keep-id:uid=${s.uid},gid=${s.gid}`,
    '--cap-drop all',
    ...(s.sudo
      ? [SUDO_CAPABILITIES.map((c) => `--cap-add ${c.toLowerCase()}`).join(' ')]
      : ['--security-opt=no-new-privileges']),
    `--stop-timeout ${s.stopTimeoutSeconds}`,
    ...(s.pidsLimit === undefined ? [] : [`--pids-limit ${s.pidsLimit}`]),
    ...(s.memoryBytes === undefined ? [] : [`--memory=${s.memoryBytes}`]),
    ...(s.cpus === undefined ? [] : [`--cpus=${s.cpus}`]),
    s.image,
  ];
}

/**
 * Runs Podman's own generator as the host's user over `files` (name → unit text) and
 * returns the units it generates by name; fails on any complaint about a key.
 */
async function generate(
  h: SystemdHost,
  files: Record<string, Buffer>,
): Promise<Map<string, string>> {
  const dir = `${HOST_USER.home}/quadlet-check-${randomBytes(4).toString('hex')}`;
  const local = join(h.root, dir);
  mkdirSync(local);
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(local, name), text);
    for (const path of [local, ...readdirSync(local).map((f) => join(local, f))]) {
      chownSync(path, HOST_USER.uid, HOST_USER.uid);
    }
    const { stdout, stderr } = await h.user([
      'env',
      `QUADLET_UNIT_DIRS=${dir}`,
      '/usr/libexec/podman/quadlet',
      '-dryrun',
      '-user',
    ]);
    expect(stderr).not.toMatch(/unsupported key|error/i);
    return splitDryRun(stdout);
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
}

/** `quadlet -dryrun` prints each generated unit after a `---name---` line. */
function splitDryRun(output: string): Map<string, string> {
  const parts = output.split(/^---(.+)---$/m);
  const units = new Map<string, string>();
  for (let i = 1; i < parts.length; i += 2) units.set(parts[i] ?? '', parts[i + 1] ?? '');
  return units;
}

describe.skipIf(!host)('golden quadlet cases through Podman’s own generator', () => {
  if (!host) return;
  it.each(readdirSync(casesDir))('%s generates the services we expect', async (name) => {
    const caseDir = join(casesDir, name);
    const spec = JSON.parse(readFileSync(join(caseDir, 'spec.json'), 'utf8')) as WorkspaceUnitSpec;
    const unit = `claude-web-user-${spec.userId}`;
    const services = await generate(host, {
      [`${unit}.container`]: readFileSync(join(caseDir, 'expected.container')),
      [`${unit}-data.volume`]: readFileSync(join(caseDir, 'expected.volume')),
    });
    const container = services.get(`${unit}.service`) ?? '';
    const execStart = container.match(/^ExecStart=(.*)$/m)?.[1] ?? '';
    for (const flag of expectedRunFlags(spec)) expect(execStart).toContain(flag);
    if (spec.pidsLimit === undefined) expect(execStart).not.toContain('--pids-limit');
    if (spec.memoryBytes === undefined) expect(execStart).not.toContain('--memory');
    if (spec.sudo) expect(execStart).not.toContain('no-new-privileges');
    expect(container).toMatch(/^Requires=.*claude-web-user-.*-data-volume\.service/m);
    expect(container).toMatch(/^Restart=on-failure$/m);
    expect(container).toMatch(/^SuccessExitStatus=143$/m);
    expect(container).toMatch(/^WantedBy=default\.target$/m);
    const volume = services.get(`${unit}-data-volume.service`) ?? '';
    expect(volume).toMatch(/podman volume create --ignore .*claude-web-user-.*-data/);
  });
});

describe.skipIf(!host)('the production PostgreSQL quadlets through Podman’s own generator', () => {
  if (!host) return;
  it('generates a service running the database with its secret, volume, port and health check', async () => {
    const quadlets = join(import.meta.dirname, '..', '..', 'quadlets');
    const services = await generate(host, {
      'claude-web-postgres.container': readFileSync(
        join(quadlets, 'claude-web-postgres.container'),
      ),
      'claude-web-postgres.volume': readFileSync(join(quadlets, 'claude-web-postgres.volume')),
    });
    const execStart =
      services.get('claude-web-postgres.service')?.match(/^ExecStart=(.*)$/m)?.[1] ?? '';
    for (const flag of [
      '--name claude-web-postgres',
      '-v claude-web-postgres-data:/var/lib/postgresql/data',
      '--secret claude-web-postgres-password,type=env,target=POSTGRES_PASSWORD',
      '--publish 127.0.0.1:5432:5432',
      '--env POSTGRES_DB=claude_web',
      '--health-cmd',
      '--sdnotify=healthy',
      'docker.io/library/postgres:17',
    ]) {
      expect(execStart).toContain(flag);
    }
    expect(services.get('claude-web-postgres-volume.service')).toMatch(
      /podman volume create --ignore claude-web-postgres-data/,
    );
  });
});
