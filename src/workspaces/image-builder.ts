import { basename } from 'node:path';
import type { Logger } from '../log/logger.js';
import type { PodmanClient } from '../podman/client.js';
import { imageMissingAfterBuild } from './errors.js';
import { stageImageContext, tarDirectory } from './image-context.js';

/** Receives each line of build output, for logs and for the person waiting. */
export type Progress = (line: string) => void;

export interface ImageBuilderDeps {
  podman: PodmanClient;
  log: Logger;
  /** The project's Containerfile. */
  containerfile: string;
  /** Where the build context is written (see image-context.ts); rewritten by every build. */
  contextDir: string;
  buildArgs: Record<string, string>;
  /** Every build that ended, and how. */
  onBuilt?: (outcome: 'ok' | 'failed') => void;
}

export interface ImageBuilder {
  /**
   * Resolves once `image` exists, building it from the Containerfile when it does not.
   * Concurrent callers share one build; each sees its output from the start.
   */
  ensure(image: string, onProgress?: Progress): Promise<void>;
  /** Builds `image` afresh (a new Containerfile, newer tools), joining a build under way. */
  rebuild(image: string, onProgress?: Progress): Promise<void>;
}

interface Build {
  lines: string[];
  listeners: Set<Progress>;
  done: Promise<void>;
}

export function createImageBuilder(deps: ImageBuilderDeps): ImageBuilder {
  const builds = new Map<string, Build>();

  function start(image: string, why: string): Build {
    const build: Build = { lines: [], listeners: new Set(), done: Promise.resolve() };
    const emit = (line: string) => {
      build.lines.push(line);
      deps.log.info({ image, line }, 'building the workspace image');
      for (const listener of build.listeners) listener(line);
    };
    build.done = runBuild(deps, image, why, emit)
      .then(
        () => deps.onBuilt?.('ok'),
        (error: unknown) => {
          deps.onBuilt?.('failed');
          throw error;
        },
      )
      .finally(() => builds.delete(image));
    builds.set(image, build);
    return build;
  }

  async function follow(build: Build, onProgress?: Progress) {
    if (onProgress) {
      for (const line of build.lines) onProgress(line);
      build.listeners.add(onProgress);
    }
    try {
      await build.done;
    } finally {
      if (onProgress) build.listeners.delete(onProgress);
    }
  }

  return {
    async ensure(image, onProgress) {
      if (!builds.has(image) && (await deps.podman.images.exists(image))) return;
      await follow(builds.get(image) ?? start(image, 'is missing'), onProgress);
    },
    async rebuild(image, onProgress) {
      await follow(builds.get(image) ?? start(image, 'is being rebuilt'), onProgress);
    },
  };
}

async function runBuild(
  deps: ImageBuilderDeps,
  image: string,
  why: string,
  emit: Progress,
): Promise<void> {
  const name = basename(deps.containerfile);
  emit(`${image} ${why}; building it from ${name}`);
  const { containerfile, contextDir: dir } = deps;
  const { version } = await stageImageContext({ containerfile, dir, onProgress: emit });
  emit(`image version ${version}`);
  const output = await deps.podman.images.build({
    context: tarDirectory(dir),
    containerfile: name,
    tag: image,
    buildArgs: { ...deps.buildArgs, IMAGE_VERSION: version },
  });
  for await (const line of output) {
    for (const text of (line.stream ?? '').split('\n')) if (text.trim()) emit(text.trimEnd());
  }
  if (!(await deps.podman.images.exists(image))) {
    throw imageMissingAfterBuild(image);
  }
  emit(`${image} is ready`);
}
