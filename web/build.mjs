// Builds the people app (web/src) into web/dist with esbuild: one minified bundle, the CSS,
// the small preload script and index.html. Run by `npm run build`; `node web/build.mjs --watch` rebuilds on change.
import { build, context } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
copyFileSync(join(here, 'src', 'index.html'), join(out, 'index.html'));

const options = {
  entryPoints: [join(here, 'src', 'main.tsx'), join(here, 'src', 'styles.css')],
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
};

// preload.js runs as a classic script before the bundle (see preload.ts): its own small IIFE.
const preload = { ...options, entryPoints: [join(here, 'src', 'preload.ts')], format: 'iife' };

if (process.argv.includes('--watch')) {
  await (await context(options)).watch();
  await (await context(preload)).watch();
  console.log('watching web/src');
} else {
  await Promise.all([build(options), build(preload)]);
}
