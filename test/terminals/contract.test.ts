import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/app-error.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { TMUX_SOCKET, tmuxClientsCommand } from '../../src/tmux/tmux.js';
import type { AttachKind } from '../../src/workspaces/attach-driver.js';
import { realPodman, testWorkspaces } from '../support/podman.js';
import { OUTPUT_PROMPT, watch } from '../support/screen.js';

const podman = await realPodman();
const kinds: AttachKind[] = podman ? ['exec', 'pty'] : [];

describe.each(kinds)('terminal attach contract: %s', (kind) => {
  if (!podman) return;
  const userId = `t${randomBytes(3).toString('hex')}term`;
  const { container, volume } = workspaceNames(userId);
  const workspaces = testWorkspaces(podman, kind);
  const size = { rows: 24, cols: 80 };
  const inWorkspace = (script: string) =>
    podman.exec.run(container, ['sh', '-c', script], { user: 'developer' });

  beforeAll(async () => {
    await workspaces.ensure(userId);
  });
  afterAll(async () => {
    await workspaces.remove(userId);
    await podman.volumes.remove(volume, { force: true }).catch(() => {});
  });

  it('runs what is typed and shows its output', async () => {
    const terminal = await workspaces.attach(userId, { session: randomUUID(), size });
    const screen = watch(terminal);
    terminal.write('echo "R=$((6*7))"\r');
    await screen.waitFor(/R=42/);
    terminal.close();
  });

  it('follows a resize', async () => {
    const terminal = await workspaces.attach(userId, { session: randomUUID(), size });
    const screen = watch(terminal);
    await screen.waitFor(OUTPUT_PROMPT);
    await terminal.resize({ rows: 30, cols: 117 });
    // The new size arrives shortly after the request: ask until the program sees it.
    for (let attempt = 0; ; attempt++) {
      terminal.write('echo "C=$(tput cols)"\r');
      const seen = await screen.waitFor(/C=117/, 500).then(
        () => true,
        () => false,
      );
      if (seen) break;
      if (attempt === 20)
        throw new Error(`the program never saw 117 columns: ${screen.text().slice(-300)}`);
    }
    terminal.close();
  });

  it('prints the new-shell banner only when the shell is new', async () => {
    const session = randomUUID();
    const banner = 'claude-web: a banner for a new shell.';
    const first = await workspaces.attach(userId, { session, size, newShellBanner: banner });
    const made = watch(first);
    first.write('echo "FIRST=$((2+3))"\r');
    await made.waitFor(/FIRST=5/);
    expect(made.text()).toContain(banner);
    first.close();
    // The session exists now: attaching with a banner keeps its screen and adds nothing.
    const again = await workspaces.attach(userId, { session, size, newShellBanner: 'not shown' });
    const kept = watch(again);
    await kept.waitFor(/FIRST=5/);
    again.write('echo "SECOND=$((3+4))"\r');
    await kept.waitFor(/SECOND=7/);
    expect(kept.text()).not.toContain('not shown');
    again.close();
  });

  it('keeps the session and its programs when it detaches, and redraws them on reattach', async () => {
    const session = randomUUID();
    const first = await workspaces.attach(userId, { session, size });
    const before = watch(first);
    first.write(`echo "MARK=$((40+2))"; sleep 600 & echo $! > ~/pid-${session}\r`);
    await before.waitFor(/MARK=42/);
    await new Promise<void>((resolve) => {
      first.onExit(resolve);
      first.close();
    });
    expect((await inWorkspace(`tmux -L ${TMUX_SOCKET} has-session -t ${session}`)).exitCode).toBe(
      0,
    );
    expect((await inWorkspace(`kill -0 "$(cat ~/pid-${session})"`)).exitCode).toBe(0);

    const again = await workspaces.attach(userId, { session, size });
    const after = watch(again);
    await after.waitFor(/MARK=42/);
    again.close();
  });

  it('brings back the history, the screen and the modes on every attach, not the queries', async () => {
    const session = randomUUID();
    const first = await workspaces.attach(userId, { session, size });
    const before = watch(first);
    // tmux answers the query (DA) itself, once; a restore must not send it to the browser.
    first.write(
      `seq 1 3000; printf '\\e[c\\e]2;build\\a\\e[?1000h\\e[?1006h'; echo "DONE=$((40+2))"\r`,
    );
    await before.waitFor(/DONE=42/);
    first.close();

    const again = await workspaces.attach(userId, { session, size });
    const after = watch(again);
    await after.waitFor(/DONE=42/);
    const restored = after.text();
    expect(restored.startsWith('\x1bc')).toBe(true);
    expect(restored).toMatch(/\r\n1\r\n2\r\n3\r\n/);
    expect(restored).toContain('\r\n1500\r\n');
    expect(restored).toContain('\x1b[?1000h\x1b[?1006h');
    expect(restored).toContain('\x1b]2;build\x07');
    expect(restored).not.toContain('\x1b[c');
    again.close();
  });

  it('restores a program on the alternate screen on top of the normal one', async () => {
    const session = randomUUID();
    const first = await workspaces.attach(userId, { session, size });
    const before = watch(first);
    first.write(`echo NORMAL-LINE; printf '\\e[?1049h\\e[HALT-SCREEN'; sleep 600\r`);
    await before.waitFor(/ALT-SCREEN/);
    first.close();
    const again = await workspaces.attach(userId, { session, size });
    const after = watch(again);
    await after.waitFor(/ALT-SCREEN/);
    const normal = after.text().indexOf('\r\nNORMAL-LINE\r\n');
    expect(normal).toBeGreaterThan(0);
    expect(after.text().indexOf('\x1b[?1049h\x1b[H\x1b[2JALT-SCREEN')).toBeGreaterThan(normal);
    again.write('\x03');
    again.close();
  });

  it('lets a user run a tmux of their own inside, apart from claude-web’s', async () => {
    const terminal = await workspaces.attach(userId, { session: randomUUID(), size });
    const screen = watch(terminal);
    terminal.write('echo "TMUX=[$TMUX]"; tmux new-session -d -s mine "sleep 60" && tmux ls\r');
    await screen.waitFor(/TMUX=\[\]/);
    await screen.waitFor(/^mine: 1 windows/m);
    const ours = await inWorkspace(`tmux -L ${TMUX_SOCKET} ls`);
    expect(ours.stdout).not.toMatch(/^mine:/m);
    await inWorkspace('tmux kill-server');
    terminal.close();
  });

  it('leaves no tmux client behind once closed', async () => {
    const session = randomUUID();
    const clients = async () =>
      (await inWorkspace(tmuxClientsCommand(session).join(' '))).stdout.split('\n').filter(Boolean)
        .length;
    const open = await Promise.all(
      [1, 2, 3].map(() => workspaces.attach(userId, { session, size })),
    );
    expect(await clients()).toBe(3);
    for (const [i, terminal] of open.entries()) {
      await new Promise<void>((resolve) => {
        terminal.onExit(resolve);
        terminal.close();
      });
      expect(await clients()).toBe(2 - i);
    }
  });

  it('reads nothing while paused, and everything once resumed', async () => {
    const terminal = await workspaces.attach(userId, { session: randomUUID(), size });
    const screen = watch(terminal);
    await screen.waitFor(OUTPUT_PROMPT);
    terminal.pause();
    const atPause = screen.bytes();
    terminal.write('seq 1 20000 | tail -n 1 | sed "s/^/LAST=/"\r');
    await new Promise((r) => setTimeout(r, 750));
    expect(screen.bytes()).toBe(atPause);
    terminal.resume();
    await screen.waitFor(/LAST=20000/);
    terminal.close();
  });

  it('refuses a session name that is not a session id, before running anything', async () => {
    const error = await workspaces.attach(userId, { session: 'x; rm -rf ~', size }).catch((e) => e);
    expect(isAppError(error, 'terminal.invalid_session')).toBe(true);
  });

  it('ends the terminal when the workspace stops', async () => {
    const terminal = await workspaces.attach(userId, { session: randomUUID(), size });
    const screen = watch(terminal);
    await screen.waitFor(OUTPUT_PROMPT);
    const exited = new Promise<void>((resolve) => terminal.onExit(resolve));
    await workspaces.stop(userId);
    await exited;
    await workspaces.ensure(userId);
  });
});
