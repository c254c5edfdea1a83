/**
 * Whether a workspace started at `startedAt` started after `seenAt`, counted in whole
 * seconds: Podman lists start times in seconds, so a start within the second of `seenAt`
 * counts as before it. A restart that close to the moment is missed; a first start just
 * before an attach is never taken for a restart.
 */
export function startedSince(startedAt: Date | undefined, seenAt: Date): boolean {
  if (!startedAt) return false;
  return Math.floor(startedAt.getTime() / 1000) > Math.floor(seenAt.getTime() / 1000);
}
