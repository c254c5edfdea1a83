import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pack } from 'tar-stream';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { PodmanClient } from '../podman/client.js';

/** Receives each line of build output, for logs and for the person waiting. */
export type Progress = (line: string) => void;

export interface ImageBuilderDeps {
  podman: PodmanClient;
  log: Logger;
  /** The project's Containerfile; it is the whole build context. */
  containerfile: string;
  buildArgs: Record<string, string>;
}

export interface ImageBuilder {
  /**
   * Resolves once `image` exists, building it from the Containerfile when it does not.
   * Concurrent callers share one build; each sees its output from the start.
   */
  ensure(image: string, onProgress?: Progress): Promise<void>;
}

interface Build {
  lines: string[];
  listeners: Set<Progress>;
  done: Promise<void>;
}

export function createImageBuilder(deps: ImageBuilderDeps): ImageBuilder {
  const builds = new Map<string, Build>();

  function start(image: string): Build {
    const build: Build = { lines: [], listeners: new Set(), done: Promise.resolve() };
    const emit = (line: string) => {
      build.lines.push(line);
      deps.log.info({ image, line }, 'building the workspace image');
      for (const listener of build.listeners) listener(line);
    };
    build.done = runBuild(deps, image, emit).finally(() => builds.delete(image));
    builds.set(image, build);
    return build;
  }

  return {
    async ensure(image, onProgress) {
      if (!builds.has(image) && (await deps.podman.images.exists(image))) return;
      const build = builds.get(image) ?? start(image);
      if (onProgress) {
        for (const line of build.lines) onProgress(line);
        build.listeners.add(onProgress);
      }
      try {
        await build.done;
      } finally {
        if (onProgress) build.listeners.delete(onProgress);
      }
    },
  };
}

async function runBuild(deps: ImageBuilderDeps, image: string, emit: Progress): Promise<void> {
  const name = basename(deps.containerfile);
  emit(`${image} is missing; building it from ${name}`);
  const context = await tarOf(name, await readFile(deps.containerfile));
  const output = await deps.podman.images.build({
    context,
    containerfile: name,
    tag: image,
    buildArgs: deps.buildArgs,
  });
  for await (const line of output) {
    for (const text of (line.stream ?? '').split('\n')) if (text.trim()) emit(text.trimEnd());
  }
  if (!(await deps.podman.images.exists(image))) {
    throw new AppError('image.build_failed', `building ${image} ended without the image`, {
      details: { image },
    });
  }
  emit(`${image} is ready`);
}

async function tarOf(name: string, content: Buffer): Promise<Buffer> {
  const archive = pack();
  archive.entry({ name, mode: 0o644 }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
