import type { Clock } from '../clock/clock.js';

/** Something the server needs in order to serve users: Podman, the database, … */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  error?: string;
}

/** Runs every check at once; a check that has not answered within `timeoutMs` fails. */
export async function runChecks(
  checks: ReadinessCheck[],
  clock: Clock,
  timeoutMs: number,
): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async ({ name, check }): Promise<CheckResult> => {
      let cancel = () => {};
      const timeout = new Promise<never>((_, reject) => {
        cancel = clock.setTimeout(
          () => reject(new Error(`no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([check(), timeout]);
        return { name, ok: true };
      } catch (error) {
        return { name, ok: false, error: (error as Error).message };
      } finally {
        cancel();
      }
    }),
  );
}
