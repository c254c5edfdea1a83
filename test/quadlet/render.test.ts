import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/app-error.js';
import { workspaceLabels, workspaceNames } from '../../src/naming/workspace-names.js';
import {
  renderWorkspaceUnits,
  unitLabels,
  type WorkspaceUnitSpec,
} from '../../src/quadlet/workspace-units.js';

const casesDir = join(import.meta.dirname, 'cases');
// `UPDATE_GOLDEN=1 npx vitest run test/quadlet` rewrites the expected files; review the diff.
const update = process.env.UPDATE_GOLDEN === '1';

/** Each case is a folder: spec.json in, expected.container and expected.volume out. */
describe.each(readdirSync(casesDir))('golden case %s', (name) => {
  const dir = join(casesDir, name);
  const spec = JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8')) as WorkspaceUnitSpec;
  const units = renderWorkspaceUnits(spec);

  it.each([
    ['container', units.container],
    ['volume', units.volume],
  ])('renders the %s unit', (kind, unit) => {
    const file = join(dir, `expected.${kind}`);
    if (update) writeFileSync(file, unit.content);
    expect(existsSync(file), `${file} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
    expect(unit.content).toBe(readFileSync(file, 'utf8'));
  });

  it('gives back the labels it wrote, installation included', () => {
    const labels = workspaceLabels(spec.userId, spec.installation);
    expect(unitLabels(units.container.content)).toEqual(labels);
    expect(unitLabels(units.volume.content)).toEqual(labels);
  });

  it('names the files after the container and the volume', () => {
    const names = workspaceNames(spec.userId);
    expect(units.container.fileName).toBe(`claude-web-user-${spec.userId}.container`);
    expect(units.volume.fileName).toBe(`claude-web-user-${spec.userId}-data.volume`);
    expect(names.containerService).toBe(`claude-web-user-${spec.userId}.service`);
    expect(names.volumeService).toBe(`claude-web-user-${spec.userId}-data-volume.service`);
  });
});

const refused = JSON.parse(
  readFileSync(join(import.meta.dirname, 'refused-user-ids.json'), 'utf8'),
) as string[];
const base = JSON.parse(
  readFileSync(join(casesDir, 'default', 'spec.json'), 'utf8'),
) as WorkspaceUnitSpec;

describe.each(refused.map((id) => [JSON.stringify(id).slice(0, 30), id]))(
  'user id %s',
  (_, userId) => {
    it('is refused with a clear error before anything is rendered', () => {
      let error: unknown;
      try {
        renderWorkspaceUnits({ ...base, userId });
      } catch (e) {
        error = e;
      }
      expect(isAppError(error, 'workspace.invalid_user_id')).toBe(true);
      expect((error as Error).message).toMatch(
        /cannot name a workspace: use 1 to 64 letters, digits/,
      );
    });
  },
);

describe('unit values', () => {
  it('cannot smuggle a second line into a unit', () => {
    expect(() =>
      renderWorkspaceUnits({ ...base, image: 'img\n[Service]\nExecStart=/bin/sh' }),
    ).toThrow(/cannot span lines \(Image\)/);
  });

  it('doubles % so systemd does not expand specifiers', () => {
    const { container } = renderWorkspaceUnits({ ...base, image: 'localhost/ws:%h' });
    expect(container.content).toContain('Image=localhost/ws:%%h\n');
  });
});
