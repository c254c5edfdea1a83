import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.js';
import { isAppError } from '../../src/errors/app-error.js';
import { createPodmanClient, type PodmanClient } from '../../src/podman/client.js';
import type { TransportOptions } from '../../src/podman/transport.js';
import { eventually } from '../support/eventually.js';
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

type Relayed = {
  relay: Awaited<ReturnType<typeof podmanRelay>>;
  client: PodmanClient;
  outages: () => number;
  calls: string[];
};

/**
 * Runs `test` with a client on a relay in front of the real socket (see podman-relay.ts),
 * which counts the outages it tells and the calls it makes; closes both afterwards.
 */
async function throughRelay(
  options: Omit<TransportOptions, 'socketPath'>,
  test: (relayed: Relayed) => Promise<void>,
) {
  const relay = await podmanRelay(testSocketPath());
  let outages = 0;
  const calls: string[] = [];
  const client = createPodmanClient({
    socketPath: relay.path,
    onOutage: () => outages++,
    onCall: (call) => calls.push(call),
    ...options,
  });
  try {
    await test({ relay, client, outages: () => outages, calls });
  } finally {
    await client.close();
    await relay.close();
  }
}

describe.skipIf(!podman)('the Podman API failing under a client', () => {
  if (!podman) return;
  const res = testResources(podman);
  afterAll(async () => {
    await res.removeAll();
    await podman.close();
  });
  const spec = (name: string) => ({
    name,
    image: testImage,
    labels: res.labels,
    command: ['sh', '-c', "trap '' TERM; echo ignoring TERM; while :; do sleep 1; done"],
  });

  it('tells of an outage once: the first unreachable call after one that had an answer', () =>
    throughRelay({}, async ({ relay, client, outages }) => {
      const refused = () =>
        expect(client.ping()).rejects.toMatchObject({ code: 'podman.unreachable' });
      await relay.down();
      await refused();
      expect(outages()).toBe(0);
      await relay.up();
      await client.ping();
      await relay.down();
      for (let i = 0; i < 3; i++) await refused();
      expect(outages()).toBe(1);
      await relay.up();
      await client.ping();
      await relay.down();
      await refused();
      expect(outages()).toBe(2);
    }));

  it('ends a call the service took and never answered at its bound, as an outage', () =>
    throughRelay({ answerTimeoutMs: 1_000 }, async ({ relay, client, outages }) => {
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
      expect(outages()).toBe(1);
      relay.thaw();
      await client.ping();
      expect(await client.containers.list()).toBeInstanceOf(Array);
    }));

  it('lets a slow call take longer than the bound while the service answers pings beside it', () =>
    throughRelay(
      { answerTimeoutMs: 1_000, clock: systemClock },
      async ({ relay, client, calls }) => {
        relay.slow(/^POST \S*\/containers\/create/, 3_000);
        const create = await timed(client.containers.create(spec(res.container('slow'))));
        expect(create.error).toBeUndefined();
        expect(create.ms).toBeGreaterThanOrEqual(2_900);
        // Asked whether it still answered, and it did.
        expect(calls.filter((c) => c === 'GET /_ping').length).toBeGreaterThanOrEqual(2);
      },
    ));

  it('gives up a slow call once the service stops answering pings beside it', () =>
    throughRelay(
      { answerTimeoutMs: 1_000, clock: systemClock },
      async ({ relay, client, outages }) => {
        await client.ping();
        relay.freeze();
        const stuck = await timed(client.containers.create(spec(res.container('stuck'))));
        expect(isAppError(stuck.error, 'podman.unreachable')).toBe(true);
        expect((stuck.error as Error).message).toMatch(
          /^POST \/containers\/create was given up, as Podman stopped answering: .* did not answer GET \/_ping within 1 s/,
        );
        // A ping every second, which has a second to answer: without them, five minutes.
        expect(stuck.ms).toBeLessThan(30_000);
        expect(outages()).toBe(1);
        relay.thaw();
        expect(await client.containers.list()).toBeInstanceOf(Array);
      },
    ));

  it('ends a command run to completion once the service stops answering meanwhile', () =>
    throughRelay(
      { answerTimeoutMs: 1_000, clock: systemClock },
      async ({ relay, client, outages }) => {
        const name = res.container('runner');
        await podman.containers.create(spec(name));
        await podman.containers.start(name);
        const run = timed(client.exec.run(name, ['sh', '-c', 'sleep 8; echo done']));
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        relay.freeze();
        const stuck = await run;
        expect(isAppError(stuck.error, 'podman.unreachable')).toBe(true);
        expect((stuck.error as Error).message).toMatch(
          /^POST \/exec\/\w+\/start was given up, as Podman stopped answering: .* did not answer GET \/_ping within 1 s/,
        );
        // Before the command would have ended; without the pings, not before a thaw.
        expect(stuck.ms).toBeLessThan(7_000);
        expect(outages()).toBe(1);
        relay.thaw();
        expect((await client.exec.run(name, ['echo', 'back'])).stdout).toBe('back\n');
      },
    ));

  it('fails a command run whose output ends while the command still runs', () =>
    throughRelay({ answerTimeoutMs: 1_000, clock: systemClock }, async ({ relay, client }) => {
      const name = res.container('cut');
      await podman.containers.create(spec(name));
      await podman.containers.start(name);
      const run = timed(client.exec.run(name, ['sh', '-c', 'echo started; sleep 8; echo done']));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // Every connection ends, the run's too; the next call finds the service again.
      await relay.down();
      await relay.up();
      const cut = await run;
      expect(cut.value).toBeUndefined();
      expect(isAppError(cut.error, 'podman.error')).toBe(true);
      expect((cut.error as Error).message).toBe(
        `the output of \`sh -c echo started; sleep 8; echo done\` in ${name} ended before the command did`,
      );
    }));

  it('gives a stop its grace period beyond the bound', async () => {
    const client = createPodmanClient({ socketPath: testSocketPath(), answerTimeoutMs: 1_000 });
    const name = res.container('grace');
    try {
      // A workspace that ignores SIGTERM: the stop takes the whole grace period.
      await podman.containers.create(spec(name));
      await podman.containers.start(name);
      // Not before the trap is set: a TERM that came first would end it at once.
      await eventually(async () =>
        expect(await podman.containers.logs(name)).toContain('ignoring TERM'),
      );
      const stop = await timed(client.containers.stop(name, { timeoutSeconds: 2 }));
      expect(stop.error).toBeUndefined();
      expect(stop.ms).toBeGreaterThanOrEqual(1_900);
      expect((await podman.containers.inspect(name)).State.Running).toBe(false);
    } finally {
      await client.close();
    }
  });
});
