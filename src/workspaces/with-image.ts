import type { WorkspaceDriver } from './driver.js';
import type { ImageBuilder } from './image-builder.js';

/** Makes `ensure` build a missing workspace image first, reporting the build's progress. */
export function ensureImageFirst(
  driver: WorkspaceDriver,
  builder: ImageBuilder,
  image: string,
): WorkspaceDriver {
  return {
    ...driver,
    async ensure(userId, options = {}) {
      await builder.ensure(image, options.onProgress);
      return driver.ensure(userId, options);
    },
  };
}
