import { type IPty, spawn } from 'node-pty';

/**
 * A bare `podman exec -it` (the remote client, on the API socket) in a local pty: the
 * baseline the benches set claude-web's terminals beside.
 */
export function rawPodmanExec(
  socketPath: string,
  container: string,
  command: string[],
  size = { cols: 120, rows: 40 },
): IPty {
  const remote = ['--remote', '--url', `unix://${socketPath}`];
  return spawn(
    'podman',
    [
      ...remote,
      'exec',
      '-it',
      '--user',
      'developer',
      '--env',
      'TERM=tmux-256color',
      container,
      ...command,
    ],
    {
      name: 'xterm-256color',
      ...size,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root' },
    },
  );
}
