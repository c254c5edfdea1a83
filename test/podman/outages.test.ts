import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/app-error.js';
import { createPodmanClient } from '../../src/podman/client.js';
import { realPodman, testImage, testResources, testSocketPath } from '../support/podman.js';
import { podmanRelay } from '../support/podman-relay.js';

const podman = await realPodman();

/** Milliseconds `work` took to settle, and how. */
async function timed<T>(work: Promise<T>) {
  const started = performance.now();
  const outcome = await work.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, ms: performance.now() - started };
}

describe.skipIf(!podman)('the Podman API failing under a client', () => {
  if (!podman) return;
  const res = testResources(podman);
  afterAll(async () => {
    await res.removeAll();
    await podman.close();
  });

  it('tells of an outage once: the first unreachable call after one that had an answer', async () => {
    const relay = await podmanRelay(testSocketPath());
    let outages = 0;
    const client = createPodmanClient({ socketPath: relay.path, onOutage: () => outages++ });
    const refused = () =>
      expect(client.ping()).rejects.toMatchObject({ code: 'podman.unreachable' });
    try {
      await relay.down();
      await refused();
      expect(outages).toBe(0);
      await relay.up();
      await client.ping();
      await relay.down();
      for (let i = 0; i < 3; i++) await refused();
      expect(outages).toBe(1);
      await relay.up();
      await client.ping();
      await relay.down();
      await refused();
      expect(outages).toBe(2);
    } finally {
      await client.close();
      await relay.close();
    }
  });

  it('ends a call the service took and never answered at its bound, as an outage', async () => {
    const relay = await podmanRelay(testSocketPath());
    let outages = 0;
    const client = createPodmanClient({
      socketPath: relay.path,
      answerTimeoutMs: 1_000,
      onOutage: () => outages++,
    });
    try {
      await client.ping();
      relay.freeze();
      const stuck = await timed(client.containers.list());
      expect(isAppError(stuck.error, 'podman.unreachable')).toBe(true);
      expect((stuck.error as Error).message).toMatch(
        /did not answer GET \/containers\/json within 1 s/,
      );
      // Bounded: without the bound, undici waits five minutes.
      expect(stuck.ms).toBeGreaterThanOrEqual(900);
      expect(stuck.ms).toBeLessThan(30_000);
      await expect(client.ping()).rejects.toMatchObject({ code: 'podman.unreachable' });
      expect(outages).toBe(1);
      relay.thaw();
      await client.ping();
      expect(await client.containers.list()).toBeInstanceOf(Array);
    } finally {
      await client.close();
      await relay.close();
    }
  });

  it('gives a stop its grace period beyond the bound', async () => {
    const client = createPodmanClient({ socketPath: testSocketPath(), answerTimeoutMs: 1_000 });
    const name = res.container('grace');
    try {
      // A workspace that ignores SIGTERM: the stop takes the whole grace period.
      await podman.containers.create({
        name,
        image: testImage,
        labels: res.labels,
        command: ['sh', '-c', "trap '' TERM; while :; do sleep 1; done"],
      });
      await podman.containers.start(name);
      const stop = await timed(client.containers.stop(name, { timeoutSeconds: 2 }));
      expect(stop.error).toBeUndefined();
      expect(stop.ms).toBeGreaterThanOrEqual(1_900);
      expect((await podman.containers.inspect(name)).State.Running).toBe(false);
    } finally {
      await client.close();
    }
  });
});
