import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const root = new URL('../../', import.meta.url);
const resolve = createRequire(import.meta.url).resolve;

/** Every file of the web UI: path, where it is, its type. Read once, at start-up. */
const files: [path: string, file: string, type: string][] = [
  ['/', fileURLToPath(new URL('src/web/index.html', root)), 'text/html; charset=utf-8'],
  ['/styles.css', fileURLToPath(new URL('src/web/styles.css', root)), 'text/css; charset=utf-8'],
  ['/app.js', fileURLToPath(new URL('dist/web/app.js', root)), 'text/javascript; charset=utf-8'],
  ['/page.js', fileURLToPath(new URL('dist/web/page.js', root)), 'text/javascript; charset=utf-8'],
  ['/admin', fileURLToPath(new URL('src/web/admin.html', root)), 'text/html; charset=utf-8'],
  [
    '/admin.js',
    fileURLToPath(new URL('dist/web/admin.js', root)),
    'text/javascript; charset=utf-8',
  ],
  ['/vendor/xterm.mjs', resolve('@xterm/xterm/lib/xterm.mjs'), 'text/javascript; charset=utf-8'],
  ['/vendor/xterm.css', resolve('@xterm/xterm/css/xterm.css'), 'text/css; charset=utf-8'],
  [
    '/vendor/addon-fit.mjs',
    resolve('@xterm/addon-fit/lib/addon-fit.mjs'),
    'text/javascript; charset=utf-8',
  ],
  [
    '/vendor/addon-web-links.mjs',
    resolve('@xterm/addon-web-links/lib/addon-web-links.mjs'),
    'text/javascript; charset=utf-8',
  ],
];

/** The browser UI: a page, its script (built from src/web/app.ts) and xterm.js. */
export function webRoutes(): Hono {
  const app = new Hono();
  for (const [path, file, type] of files) {
    const body = readFileSync(file);
    app.get(path, (c) => c.body(body, 200, { 'content-type': type, 'cache-control': 'no-cache' }));
  }
  return app;
}
