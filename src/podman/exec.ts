import type { Duplex } from 'node:stream';
import { execOutputCut } from './errors.js';
import { demultiplex } from './multiplexed-stream.js';
import type { Transport } from './transport.js';
import type { ExecCreateOptions, ExecInspect, TerminalSize } from './types.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecApi {
  /** Prepares a process in a running container; nothing runs until `start`. */
  create(container: string, options: ExecCreateOptions): Promise<string>;
  /**
   * Starts an exec created with `tty: true` and returns the raw, bidirectional terminal
   * stream: bytes written are the terminal's input, bytes read its output. Ending the
   * stream detaches; the process's fate is then up to the terminal (SIGHUP).
   */
  startTty(execId: string, size: TerminalSize): Promise<Duplex>;
  /**
   * Starts an exec created with `tty: false` and returns its raw stream: bytes written are
   * its input (the end of writing closes it), bytes read are its output, multiplexed
   * (see multiplexed-stream.ts).
   */
  start(execId: string): Promise<Duplex>;
  resize(execId: string, size: TerminalSize): Promise<void>;
  inspect(execId: string): Promise<ExecInspect>;
  /**
   * Runs a command without a TTY to completion and collects its output. Fails as
   * `podman.unreachable` once the service stops answering meanwhile (with the transport's
   * clock and answer bound), and as `podman.error` when the output ends (a connection
   * closed) while the command still runs: a partial output never passes for a whole one.
   */
  run(container: string, cmd: string[], options?: { user?: string }): Promise<ExecResult>;
}

const CONMON_GONE = /ctl file.*broken pipe/;

export function createExecApi(transport: Transport): ExecApi {
  const path = (execId: string) => `/exec/${encodeURIComponent(execId)}`;

  const create: ExecApi['create'] = async (container, o) => {
    const created = await transport.json<{ Id: string }>({
      method: 'POST',
      path: `/containers/${encodeURIComponent(container)}/exec`,
      body: {
        Cmd: o.cmd,
        Tty: o.tty,
        User: o.user,
        WorkingDir: o.workingDir,
        Env: o.env && Object.entries(o.env).map(([k, v]) => `${k}=${v}`),
        AttachStdin: o.stdin ?? false,
        AttachStdout: true,
        AttachStderr: true,
      },
    });
    return created.Id;
  };
  const resize: ExecApi['resize'] = async (execId, { rows, cols }) => {
    await transport.empty({
      method: 'POST',
      path: `${path(execId)}/resize`,
      query: { h: rows, w: cols },
    });
  };
  const start = (execId: string, watched = false) =>
    transport.hijack({
      method: 'POST',
      path: `${path(execId)}/start`,
      body: { Detach: false, Tty: false },
      watched,
    });
  const inspect: ExecApi['inspect'] = (execId) =>
    transport.json<ExecInspect>({ path: `${path(execId)}/json` });

  return {
    create,
    resize,
    inspect,
    async startTty(execId, size) {
      const stream = await transport.hijack({
        method: 'POST',
        path: `${path(execId)}/start`,
        body: { Detach: false, Tty: true, h: size.rows, w: size.cols },
      });
      // Podman before 4.4 ignores the size in the start body. A command that has already
      // finished cannot be resized, and needs no size any more: Podman says so either by
      // its state or, before it has noticed the exit, by the broken pipe to the exec's
      // conmon, which lives exactly as long as the command.
      await resize(execId, size).catch(async (error: unknown) => {
        if (CONMON_GONE.test((error as Error).message)) return;
        if ((await inspect(execId)).Running) throw error;
      });
      return stream;
    },
    start: (execId) => start(execId),
    async run(container, cmd, options = {}) {
      const execId = await create(container, { cmd, tty: false, user: options.user });
      // Its output is awaited to the end: a service stuck meanwhile ends the wait.
      const stream = await start(execId, true);
      stream.end();
      const { stdout, stderr } = await demultiplex(stream);
      const { ExitCode, Running } = await inspect(execId);
      if (Running) throw execOutputCut(container, cmd);
      return { exitCode: ExitCode, stdout, stderr };
    },
  };
}
