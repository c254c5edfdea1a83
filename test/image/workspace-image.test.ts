import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPodman, testImage, testResources } from '../support/podman.js';

const podman = await realPodman();

describe.skipIf(!podman)('the workspace image built from the Containerfile', () => {
  if (!podman) return;
  const res = testResources(podman);
  const name = res.container('image');
  beforeAll(async () => {
    await podman.containers.create({ name, image: testImage, labels: res.labels, stop_timeout: 1 });
    await podman.containers.start(name);
  });
  afterAll(async () => {
    await res.removeAll();
    await podman.close();
  });

  it('is the project’s image', async () => {
    const image = await podman.images.inspect(testImage);
    expect(image.Labels?.['org.opencontainers.image.title']).toBe('claude-web-workspace');
    // Built by the test host from `claude-web image context`: versioned like any build.
    expect(image.Labels?.['org.opencontainers.image.version']).toMatch(/^[0-9a-f]{12}$/);
  });

  it('has tmux', async () => {
    const { exitCode, stdout } = await podman.exec.run(name, ['tmux', '-V']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^tmux \d+\.\d+/);
  });

  it('has a developer user whose home is /home/developer, and runs as them', async () => {
    const id = await podman.exec.run(name, ['id', 'developer']);
    expect(id.stdout).toMatch(/^uid=1000\(developer\) gid=1000\(developer\)/);
    const passwd = await podman.exec.run(name, ['getent', 'passwd', 'developer']);
    expect(passwd.stdout.trim()).toBe('developer:x:1000:1000::/home/developer:/bin/bash');
    expect((await podman.exec.run(name, ['id', '-un'])).stdout).toBe('developer\n');
  });

  it('has the tools a developer expects', async () => {
    const tools = ['bash', 'git', 'curl', 'tmux', 'ps', 'less'];
    const { stdout } = await podman.exec.run(name, [
      'sh',
      '-c',
      `for t in ${tools.join(' ')}; do command -v $t; done`,
    ]);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((p) => p.split('/').pop()),
    ).toEqual(tools);
    const tls = await podman.exec.run(name, ['ls', '/etc/ssl/certs/ca-certificates.crt']);
    expect(tls.exitCode).toBe(0);
  });

  it('runs a small init as PID 1, so stopping is fast', async () => {
    const { stdout } = await podman.exec.run(name, ['cat', '/proc/1/comm']);
    expect(stdout.trim()).toBe('tini');
    const started = Date.now();
    await podman.containers.stop(name, { timeoutSeconds: 10 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
