import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { variables } from '../src/config/variables.js';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README', () => {
  it.each(Object.entries(variables))('documents %s with its default and meaning', (name, spec) => {
    expect(readme).toContain(`| \`${name}\` | ${spec.defaultText} | ${spec.description} |`);
  });

  it('documents no variable that does not exist', () => {
    const documented = [...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(variables).sort());
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
