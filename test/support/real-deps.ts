/**
 * Integration tests use real dependencies. On a developer's machine a missing one skips
 * its tests with a note; under CI (`CI=true`) it fails the run instead.
 */
export const underCi = process.env.CI === 'true';

export function missingDependency(what: string, why: string, howToFix: string): undefined {
  const message = `${what} is not available (${why}). ${howToFix}`;
  if (underCi) throw new Error(`CI requires ${message}`);
  console.warn(`skipping tests that need ${message}`);
  return undefined;
}
