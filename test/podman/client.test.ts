import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/app-error.js';
import { createPodmanClient } from '../../src/podman/client.js';
import { isPodmanError, PodmanError } from '../../src/podman/errors.js';
import type { ContainerSummary, PodmanEvent, SpecGenerator } from '../../src/podman/types.js';
import { eventually } from '../support/eventually.js';
import { realPodman, testImage, testResources } from '../support/podman.js';
import { readUntil } from '../support/streams.js';

const podman = await realPodman();

describe.skipIf(!podman)('libpod client against real rootless Podman', () => {
  if (!podman) return;
  const res = testResources(podman);
  afterAll(async () => {
    await res.removeAll();
    await podman.close();
  });

  const spec = (name: string, extra: Partial<SpecGenerator> = {}): SpecGenerator => ({
    name,
    image: testImage,
    labels: res.labels,
    stop_timeout: 2,
    ...extra,
  });

  it('answers ping and version', async () => {
    await podman.ping();
    const version = await podman.version();
    expect(version.Version).toMatch(/^\d+\.\d+/);
    expect(version.ApiVersion).toMatch(/^\d+\.\d+/);
  });

  it('runs a workspace container on a named volume through its whole life', async () => {
    const volume = res.volume('data');
    const name = res.container('life');
    await podman.volumes.create(volume, { labels: res.labels });
    const { id } = await podman.containers.create(
      spec(name, { volumes: [{ Name: volume, Dest: '/home/developer' }] }),
    );
    await podman.containers.start(name);
    await podman.containers.start(name); // already running: not an error
    const running = await podman.containers.inspect(name);
    expect(running.Id).toBe(id);
    expect(running.State.Running).toBe(true);
    expect(running.Mounts).toContainEqual(
      expect.objectContaining({ Name: volume, Destination: '/home/developer' }),
    );

    const whoami = await podman.exec.create(name, {
      cmd: ['id', '-un'],
      tty: true,
      user: 'developer',
    });
    const whoamiStream = await podman.exec.startTty(whoami, { rows: 24, cols: 80 });
    expect(await readUntil(whoamiStream, /developer\r\n/)).toBe('developer\r\n');
    whoamiStream.destroy();

    const sized = await podman.exec.create(name, {
      cmd: ['sh', '-c', 'stty size; while read line; do stty size; done'],
      tty: true,
      stdin: true,
      user: 'developer',
    });
    const term = await podman.exec.startTty(sized, { rows: 24, cols: 80 });
    let sizes = '';
    term.on('data', (chunk: Buffer) => {
      sizes += chunk.toString('utf8');
    });
    await eventually(() => expect(sizes).toMatch(/24 80\r\n/));
    await podman.exec.resize(sized, { rows: 40, cols: 132 });
    // conmon applies a resize once it reads its control pipe, after Podman has answered:
    // the size is asked again until it has.
    await eventually(
      () => {
        term.write('\n');
        expect(sizes).toMatch(/40 132\r\n/);
      },
      { everyMs: 200 },
    );
    term.destroy();

    await podman.containers.stop(name, { timeoutSeconds: 2 });
    await podman.containers.stop(name); // already stopped: not an error
    expect((await podman.containers.inspect(name)).State.Running).toBe(false);
    await podman.containers.remove(name);
    expect(await podman.containers.exists(name)).toBe(false);
    expect(await podman.volumes.exists(volume)).toBe(true);
  });

  it('runs a command to completion with its exit code and output', async () => {
    const name = res.container('run');
    await podman.containers.create(spec(name));
    await podman.containers.start(name);
    const ok = await podman.exec.run(name, ['sh', '-c', 'echo out; echo err >&2'], {
      user: 'developer',
    });
    expect(ok).toEqual({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
    const failed = await podman.exec.run(name, ['sh', '-c', 'exit 7']);
    expect(failed.exitCode).toBe(7);
  });

  it('follows the event stream and sees a container die', async () => {
    const name = res.container('events');
    await podman.containers.create(spec(name, { command: ['sh', '-c', 'sleep 1; exit 3'] }));
    const abort = new AbortController();
    const events = await podman.events({
      filters: { type: ['container'], container: [name] },
      signal: abort.signal,
    });
    await podman.containers.start(name);
    let died: PodmanEvent | undefined;
    for await (const event of events) {
      if (event.Action === 'died') {
        died = event;
        abort.abort();
      }
    }
    expect(died?.Actor.Attributes.name).toBe(name);
    expect(died?.Actor.Attributes.containerExitCode).toBe('3');
  });

  it('finds a container by exact name, never by prefix', async () => {
    const one = res.container('user-1');
    const ten = res.container('user-10');
    await podman.containers.create(spec(one));
    await podman.containers.create(spec(ten));
    const found = await podman.containers.findByName(one);
    expect(found?.Names).toEqual([one]);
    const listed = await podman.containers.list({ name: one });
    expect(listed.map((c) => c.Names[0])).toEqual([one]);
    const labelled = await podman.containers.list({ labels: [`claude-web.test=${res.run}`] });
    expect(labelled.map((c) => c.Names[0])).toEqual(expect.arrayContaining([one, ten]));
    expect(await podman.containers.findByName(one.slice(0, -1))).toBeUndefined();
  });

  it('finds a container as the list shows it, made, running or exited, and not by id', async () => {
    const name = res.container('as-listed');
    const { id } = await podman.containers.create(
      spec(name, { command: ['sh', '-c', 'sleep 2; exit 3'] }),
    );
    const same = async () => {
      const [listed] = await podman.containers.list({ name });
      const { Id, Names, ImageID, State, Labels, Created, StartedAt, ExitedAt, ExitCode } =
        listed ?? ({} as ContainerSummary);
      expect(await podman.containers.findByName(name)).toMatchObject({
        ...{ Id, Names, ImageID, State, Labels, Created, StartedAt, ExitedAt, ExitCode },
      });
      return State;
    };
    expect(await same()).toBe('created');
    await podman.containers.start(name);
    expect(await same()).toBe('running');
    await eventually(async () => expect(await same()).toBe('exited'), { withinMs: 15_000 });
    expect((await podman.containers.findByName(name))?.ExitCode).toBe(3);
    expect(await podman.containers.findByName(id.slice(0, 12))).toBeUndefined();
  });

  it('lists containers by state and label', async () => {
    const up = res.container('state-up');
    const made = res.container('state-made');
    await podman.containers.create(spec(up));
    await podman.containers.create(spec(made));
    await podman.containers.start(up);
    const mine = [`claude-web.test=${res.run}`];
    const running = await podman.containers.list({ labels: mine, status: ['running'] });
    expect(running.map((c) => c.Names[0])).toContain(up);
    expect(running.map((c) => c.Names[0])).not.toContain(made);
    const created = await podman.containers.list({ labels: mine, status: ['created'] });
    expect(created.map((c) => c.Names[0])).toContain(made);
    expect(created.map((c) => c.Names[0])).not.toContain(up);
    const upEntry = running.find((c) => c.Names[0] === up);
    expect(upEntry).toMatchObject({
      State: 'running',
      Labels: expect.objectContaining(res.labels),
    });
    expect(upEntry?.StartedAt).toBeGreaterThan(0);
  });

  it('creates, inspects, lists and removes volumes', async () => {
    const name = res.volume('vol');
    const created = await podman.volumes.create(name, {
      labels: { ...res.labels, 'claude-web.user': '7' },
    });
    expect(created).toMatchObject({ Name: name, Driver: 'local' });
    expect(await podman.volumes.inspect(name)).toMatchObject({
      Name: name,
      Labels: { 'claude-web.test': res.run, 'claude-web.user': '7' },
    });
    const listed = await podman.volumes.list({
      labels: [`claude-web.test=${res.run}`, 'claude-web.user=7'],
    });
    expect(listed.map((v) => v.Name)).toEqual([name]);
    await podman.volumes.remove(name);
    expect(await podman.volumes.exists(name)).toBe(false);
    const gone = await podman.volumes.inspect(name).catch((e) => e);
    expect(gone).toMatchObject({ status: 404, code: 'podman.not_found' });
    expect(gone.podmanMessage).toMatch(/no such volume/);
  });

  it('surfaces 404 and 409 as typed errors carrying Podman’s message', async () => {
    const missing = await podman.containers.inspect(res.container('missing')).catch((e) => e);
    expect(missing).toBeInstanceOf(PodmanError);
    expect(missing).toMatchObject({ code: 'podman.not_found', status: 404 });
    expect(missing.podmanMessage).toMatch(/no such container/);

    const volume = res.volume('in-use');
    const name = res.container('busy');
    await podman.volumes.create(volume);
    await podman.containers.create(
      spec(name, { volumes: [{ Name: volume, Dest: '/home/developer' }] }),
    );
    const inUse = await podman.volumes.remove(volume).catch((e) => e);
    expect(isPodmanError(inUse, 409)).toBe(true);
    expect(inUse.code).toBe('podman.conflict');
    expect(inUse.podmanMessage).toMatch(/volume is being used/);

    await podman.containers.start(name);
    const running = await podman.containers.remove(name).catch((e) => e);
    expect(isPodmanError(running)).toBe(true);
    expect(running.podmanMessage).toMatch(/as it is running/);

    const execId = await podman.exec.create(name, { cmd: ['true'], tty: true });
    await podman.containers.stop(name, { timeoutSeconds: 0 });
    const refused = await podman.exec.startTty(execId, { rows: 24, cols: 80 }).catch((e) => e);
    expect(refused).toBeInstanceOf(PodmanError);
    expect(refused.status).toBe(409);
    expect(refused.podmanMessage).toMatch(/running/);
  });

  it('reports an unreachable socket as its own error', async () => {
    const nowhere = createPodmanClient({ socketPath: '/nonexistent/podman.sock' });
    const error = await nowhere.ping().catch((e) => e);
    await nowhere.close();
    expect(isAppError(error, 'podman.unreachable')).toBe(true);
    expect(error.message).toContain('/nonexistent/podman.sock');
  });
});
