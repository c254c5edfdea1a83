import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SERVE_NODE_FLAGS } from './support/server-process.js';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

it('serves with the same Node flags from npm start, the systemd unit and the tests', () => {
  const flags = SERVE_NODE_FLAGS.join(' ');
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.start).toBe(`node ${flags} bin/claude-web.js serve`);
  const execStart = read('systemd/claude-web.service')
    .split('\n')
    .find((line) => line.startsWith('ExecStart='));
  expect(execStart).toBe(
    `ExecStart=/usr/bin/env node ${flags} %h/claude-web/bin/claude-web.js serve`,
  );
});
