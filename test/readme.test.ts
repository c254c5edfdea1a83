import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { variables } from '../src/config/variables.js';
import { statusByCode } from '../src/http/errors.js';
import { PROTOCOL_ERROR_CODES } from '../src/terminals/protocol.js';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
/** The configuration table's rows as trimmed cells, keyed by variable name. */
const rows = new Map(
  readme
    .split('\n')
    .filter((line) => /^\| `[A-Z_]+` \|/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    )
    .map(([name = '', ...rest]) => [name.replaceAll('`', ''), rest] as const),
);

describe('README', () => {
  it.each(Object.entries(variables))('documents %s with its default and meaning', (name, spec) => {
    expect(rows.get(name)).toEqual([spec.defaultText, spec.description]);
  });

  it('documents no variable that does not exist', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(variables).sort());
  });

  it.each(Object.entries(statusByCode))(
    'lists the error code %s under its status %i',
    (code, status) => {
      const row = readme.split('\n').find((line) => line.startsWith(`| ${status} |`));
      expect(row).toContain(`\`${code}\``);
    },
  );

  it.each(PROTOCOL_ERROR_CODES)('lists the terminal error code %s', (code) => {
    expect(readme).toContain(`\`${code}\``);
  });

  it('starts with the command that runs the service and the one that runs the tests', () => {
    const [, block] = readme.match(/^```sh\n([\s\S]*?)```/m) ?? [];
    expect(block?.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^npm ci && npm start +# run the service$/),
      expect.stringMatching(
        /^npm ci && test\/harness\/provision-host\.sh && npm test +# run the tests/,
      ),
    ]);
  });
});
