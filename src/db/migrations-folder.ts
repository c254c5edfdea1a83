import { fileURLToPath } from 'node:url';

/** Kept beside the sources and the build output alike: `<root>/drizzle`. */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));
