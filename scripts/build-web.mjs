// Builds the browser client into dist/web: web/app.ts bundled by esbuild (types were
// checked by `npm run typecheck`), next to the page's static files.
import fs from 'node:fs';
import { build } from 'esbuild';

const out = new URL('../dist/web/', import.meta.url);
fs.mkdirSync(out, { recursive: true });
await build({
  entryPoints: [new URL('../web/app.ts', import.meta.url).pathname],
  outfile: new URL('app.js', out).pathname,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
await build({
  entryPoints: [new URL('../web/service-worker.ts', import.meta.url).pathname],
  outfile: new URL('sw.js', out).pathname,
  bundle: true,
  format: 'iife',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});
for (const name of ['index.html', 'style.css', 'favicon.svg']) {
  fs.copyFileSync(new URL(`../web/${name}`, import.meta.url), new URL(name, out));
}

// The last step of `npm run build`: npm start's prestart rebuilds only when a source is newer than this.
fs.writeFileSync(new URL('.built', out.href.replace(/web\/$/, '')), `${new Date().toISOString()}\n`);
