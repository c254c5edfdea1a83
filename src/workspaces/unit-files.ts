import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderedUnit } from '../quadlet/workspace-units.js';

/** The quadlet directory of one account, where workspace units are written and deleted. */
export function createUnitFiles(dir: string) {
  const exists = (fileName: string) =>
    access(join(dir, fileName)).then(
      () => true,
      () => false,
    );
  return {
    dir,
    /** Writes each unit whose content differs; resolves whether anything changed. */
    async write(units: RenderedUnit[]): Promise<boolean> {
      await mkdir(dir, { recursive: true });
      let changed = false;
      for (const unit of units) {
        const path = join(dir, unit.fileName);
        const current = await readFile(path, 'utf8').catch(() => undefined);
        if (current === unit.content) continue;
        // The generator may run at any moment: it must never see half a file.
        await writeFile(`${path}.tmp`, unit.content);
        await rename(`${path}.tmp`, path);
        changed = true;
      }
      return changed;
    },
    /** Deletes the named files; resolves whether any existed. */
    async remove(fileNames: string[]): Promise<boolean> {
      let removed = false;
      for (const name of fileNames) {
        const existed = await exists(name);
        await rm(join(dir, name), { force: true });
        removed ||= existed;
      }
      return removed;
    },
    exists,
    /** The file's content; undefined when it does not exist. */
    read: (fileName: string) => readFile(join(dir, fileName), 'utf8').catch(() => undefined),
    async list(): Promise<string[]> {
      return readdir(dir).catch(() => []);
    },
  };
}

export type UnitFiles = ReturnType<typeof createUnitFiles>;
