import type { Clock } from '../clock/clock.js';
import { LABEL_INSTALLATION, LABEL_MANAGED, LABEL_USER } from '../naming/workspace-names.js';
import type { PodmanClient } from '../podman/client.js';
import type { PodmanEvent } from '../podman/types.js';
import type { DeathWatchOptions, WorkspaceDeath } from './driver.js';

/** How many deaths a watch remembers having told, to tell none of them twice. */
const REMEMBERED_DEATHS = 4096;

/**
 * The deaths of managed workspaces, from Podman's event stream, each told once. Podman 4.3
 * keeps its events in a file it rotates at 1 MB (`events_logfile_max_size`), and then a
 * stream without `since` replays the half of the file it kept: deaths already told, and
 * deaths from before the watch (seen: 2,038 events replayed into one stream). A stream with
 * `since` ends instead, and its watcher resumes after its last cursor. So a watch tells
 * only deaths after its cursor, or after its start when it has none, and each only once.
 */
export async function followDeaths(
  podman: PodmanClient,
  clock: Clock,
  { after, signal }: DeathWatchOptions,
): Promise<AsyncIterable<WorkspaceDeath>> {
  const last = after !== undefined && /^\d+$/.test(after) ? BigInt(after) : undefined;
  const floor = last ?? BigInt(clock.now().getTime()) * 1_000_000n;
  const events = await podman.events({
    filters: { type: ['container'], event: ['died'], label: [`${LABEL_MANAGED}=true`] },
    // Podman resumes by the second: what the cursor's second already saw comes again.
    since: last === undefined ? undefined : new Date(Number(last / 1_000_000n)),
    signal,
  });
  const told = new Set<string>();
  return (async function* () {
    for await (const event of events) {
      const death = deathOf(event);
      if (!death || BigInt(death.cursor) <= floor) continue;
      const key = `${death.cursor} ${death.container}`;
      if (told.has(key)) continue;
      told.add(key);
      if (told.size > REMEMBERED_DEATHS) told.delete(told.values().next().value as string);
      yield death;
    }
  })();
}

function deathOf(event: PodmanEvent): WorkspaceDeath | undefined {
  const { Attributes } = event.Actor;
  const userId = Attributes[LABEL_USER];
  if (event.Action !== 'died' || userId === undefined) return undefined;
  const nanos = BigInt(event.timeNano ?? event.time * 1e9);
  const code = Attributes.containerExitCode;
  return {
    userId,
    container: Attributes.name ?? '',
    installation: Attributes[LABEL_INSTALLATION],
    exitCode: code === undefined ? undefined : Number(code),
    at: new Date(Number(nanos / 1_000_000n)),
    cursor: String(nanos),
  };
}
