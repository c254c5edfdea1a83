import type { Readable } from 'node:stream';
import { imageBuildFailed } from './errors.js';
import { jsonLines } from './json-lines.js';
import type { Transport } from './transport.js';
import type { ImageInspect } from './types.js';

export interface BuildOptions {
  /** A tar archive of the build context, whole or streamed. */
  context: Buffer | Readable;
  /** The Containerfile's path inside the context. */
  containerfile: string;
  tag: string;
  buildArgs?: Record<string, string>;
  signal?: AbortSignal;
}

/** One line of build output, as Podman streams it. */
export interface BuildLine {
  stream?: string;
  error?: string;
  aux?: { ID?: string };
}

export interface ImagesApi {
  exists(reference: string): Promise<boolean>;
  inspect(reference: string): Promise<ImageInspect>;
  /**
   * Builds an image; resolves once Podman accepted the build, with its output line by line.
   * A failing step ends the iteration with `image.build_failed` carrying Podman's message.
   */
  build(options: BuildOptions): Promise<AsyncIterable<BuildLine>>;
  remove(reference: string): Promise<void>;
}

export function createImagesApi(transport: Transport): ImagesApi {
  // Image references contain '/' and ':'; libpod takes them unescaped in the path.
  const path = (reference: string) =>
    `/images/${reference.split('/').map(encodeURIComponent).join('/')}`;
  return {
    async exists(reference) {
      return (await transport.empty({ path: `${path(reference)}/exists`, accept: [404] })) === 204;
    },
    inspect: (reference) => transport.json<ImageInspect>({ path: `${path(reference)}/json` }),
    async build(o) {
      const { body } = await transport.stream({
        method: 'POST',
        path: '/build',
        slow: true,
        query: {
          dockerfile: o.containerfile,
          t: o.tag,
          buildargs: o.buildArgs && JSON.stringify(o.buildArgs),
          rm: true,
        },
        raw: { contentType: 'application/x-tar', data: o.context },
        signal: o.signal,
      });
      return {
        [Symbol.asyncIterator]: () => failOnError(jsonLines<BuildLine>(body, o.signal), o.tag),
      };
    },
    async remove(reference) {
      await transport.empty({ method: 'DELETE', path: path(reference), slow: true });
    },
  };
}

async function* failOnError(
  lines: AsyncGenerator<BuildLine>,
  tag: string,
): AsyncGenerator<BuildLine> {
  for await (const line of lines) {
    if (line.error) {
      throw imageBuildFailed(tag, line.error);
    }
    yield line;
  }
}
