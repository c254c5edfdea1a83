import type { Clock } from '../clock/clock.js';
import type { ControlParser, ControlResult } from './tmux-control.js';

/** How long a probe may go unanswered before another one is sent. */
export const PROBE_EVERY_MS = 2_000;
const PROBE_ANSWER = /^probe-(\d+)$/;

/** The line of probe `n`: a command with no effect whose answer names it. */
export const probeLine = (n: number) => `display-message -p 'probe-${n}'`;

/**
 * Resolves once tmux has answered a command of ours, before attaching asks anything that
 * matters. The first lines written to a client that has just started can be lost on their
 * way in (seen with `podman exec -it` under load: tmux had spoken, and never answered), and
 * tmux 3.3 may hold answers until it next writes to the client. So a numbered probe is sent
 * again every `PROBE_EVERY_MS` until one is answered. Answers come in order: when the first
 * one is of probe k, probes 1 to k-1 never reached tmux, and k-1 of the expectations still
 * waiting are forgotten, so every later answer still meets its own command.
 */
export function firstAnswer(
  parser: ControlParser,
  write: (line: string) => void,
  clock: Clock,
): { answered: Promise<void>; cancel: () => void } {
  const later: ((results: ControlResult[]) => void)[] = [];
  let sent = 0;
  let cancelTimer = () => {};
  let resolveAnswered = () => {};
  const answered = new Promise<void>((resolve) => {
    resolveAnswered = resolve;
  });
  const first = (results: ControlResult[]) => {
    cancelTimer();
    const said = results[0]?.ok ? (results[0].lines[0] ?? '') : '';
    const lost = Number(PROBE_ANSWER.exec(said)?.[1] ?? 1) - 1;
    for (const done of later.splice(later.length - lost, lost)) parser.forget(done);
    resolveAnswered();
  };
  const probe = () => {
    const n = ++sent;
    // The oldest expectation takes the first answer, whichever probe it is of.
    const done = n === 1 ? first : () => {};
    if (n > 1) later.push(done);
    parser.expect(1, done);
    write(`${probeLine(n)}\n`);
    cancelTimer = clock.setTimeout(probe, PROBE_EVERY_MS);
  };
  probe();
  return { answered, cancel: () => cancelTimer() };
}
