import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const root = new URL('../../', import.meta.url);
const resolve = createRequire(import.meta.url).resolve;
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
const source = (path: string) => fileURLToPath(new URL(path, root));

/** The page's own modules, built from src/web and the protocol it shares with the server. */
const ui = fileURLToPath(new URL('dist/ui/', root));

/** The xterm.js packages the page imports (see the import map in index.html). */
const vendor: [path: string, module: string, type: string][] = [
  ['/vendor/xterm.mjs', '@xterm/xterm/lib/xterm.mjs', JS],
  ['/vendor/xterm.css', '@xterm/xterm/css/xterm.css', CSS],
  ...['fit', 'web-links', 'clipboard', 'search', 'unicode11', 'webgl'].map(
    (addon): [string, string, string] => [
      `/vendor/addon-${addon}.mjs`,
      `@xterm/addon-${addon}/lib/addon-${addon}.mjs`,
      JS,
    ],
  ),
];

/** Every file of the web UI: path, where it is, its type. Read once, at start-up. */
function files(): [path: string, file: string, type: string][] {
  const built = readdirSync(ui, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.js'))
    .map((name): [string, string, string] => [`/ui/${name}`, join(ui, name), JS]);
  return [
    ['/', source('src/web/index.html'), HTML],
    ['/admin', source('src/web/admin.html'), HTML],
    ['/styles.css', source('src/web/styles.css'), CSS],
    ...built,
    ...vendor.map(([path, module, type]): [string, string, string] => [
      path,
      resolve(module),
      type,
    ]),
  ];
}

/** The browser UI: its pages, their scripts (built into dist/ui) and xterm.js. */
export function webRoutes(): Hono {
  const app = new Hono();
  for (const [path, file, type] of files()) {
    const body = readFileSync(file);
    app.get(path, (c) => c.body(body, 200, { 'content-type': type, 'cache-control': 'no-cache' }));
  }
  return app;
}
