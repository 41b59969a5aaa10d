/**
 * The production package (deploy/azure-package.ts): which packages it keeps, what it prunes, and
 * that the app's functions register from it. A full copy weighs about 220 MB, too much to write in
 * every test run, so the real project is staged with links (same contents, nothing copied) and the
 * pruning itself is run on a small generated tree; `npm run package:azure` makes the real copy
 * (result recorded in bench/results/azure-package.md).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MAX_PACKAGE_BYTES,
  productionPackages,
  pruneInPlace,
  registeredFunctions,
  stagePackage,
} from '../../deploy/azure-package.js';
import { repoRoot } from '../../tools/settings-docs.js';

const temp: string[] = [];
const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `frs-${name}-`));
  temp.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

describe('production packages of the project', () => {
  const kept = productionPackages(lock, pkg);

  it('keeps every dependency and drops every devDependency and local tool', () => {
    for (const name of Object.keys(pkg.dependencies)) expect(kept).toContain(`node_modules/${name}`);
    for (const name of [
      '@tensorflow/tfjs',
      '@vladmandic/face-api',
      '@vladmandic/human',
      'azurite',
      'vitest',
      'typescript',
      'tsx',
      'eslint',
    ])
      expect(kept).not.toContain(`node_modules/${name}`);
    expect(kept.some((p) => p.startsWith('node_modules/azure-functions-core-tools'))).toBe(false);
  });

  it('keeps Linux x64 (glibc) builds only', () => {
    expect(kept).toContain('node_modules/@img/sharp-linux-x64');
    for (const other of [
      '@img/sharp-win32-x64',
      '@img/sharp-darwin-arm64',
      '@img/sharp-linux-arm64',
      '@img/sharp-linuxmusl-x64',
    ])
      expect(kept).not.toContain(`node_modules/${other}`);
  });
});

describe('the staged package', () => {
  it(`weighs under ${MAX_PACKAGE_BYTES / 1024 / 1024} MB and the app's functions register from it`, async () => {
    // The compiled app, as tsc would emit it (esbuild per file: same module layout, much faster).
    const compiled = tempDir('dist');
    const sources = ['src', 'functions'].flatMap((dir) =>
      readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(repoRoot, dir, f)),
    );
    await build({
      entryPoints: sources,
      outdir: compiled,
      outbase: repoRoot,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
    });

    const out = join(tempDir('package'), 'app');
    const report = stagePackage(repoRoot, out, { link: true, dist: compiled });
    expect(report.bytes).toBeLessThan(MAX_PACKAGE_BYTES);
    expect(report.removed.some((r) => r.includes('onnxruntime-node/bin/') && r.includes('win32'))).toBe(true);
    expect(existsSync(join(out, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(out, 'node_modules', '@tensorflow'))).toBe(false);

    // What the sources register (httpRoute({ name: ... }) and app.<trigger>('name', ...)), one file each.
    const expected = readdirSync(join(repoRoot, 'functions'))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [
        ...readFileSync(join(repoRoot, 'functions', f), 'utf8').matchAll(/(?:httpRoute\(\{ name: |app\.\w+\()'(\w+)'/g),
      ])
      .map((m) => m[1])
      .sort();
    expect(expected).toEqual(expect.arrayContaining(['detectOnUpload', 'pipeline', 'test']));
    expect(registeredFunctions(out)).toEqual(expected);
  }, 120_000);
});

describe('pruning in place (the remote build step)', () => {
  /** A tiny project: one production package, one dev package, onnxruntime-node with three platforms. */
  function fixture(): string {
    const root = tempDir('fixture');
    const write = (path: string, text = 'x') => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write(
      'package.json',
      JSON.stringify({
        dependencies: { zod: '1', 'onnxruntime-node': '1' },
        devDependencies: { vitest: '1' },
        optionalDependencies: { 'azure-functions-core-tools': '4' },
      }),
    );
    write(
      'package-lock.json',
      JSON.stringify({
        packages: {
          '': {},
          'node_modules/zod': {},
          'node_modules/onnxruntime-node': {},
          'node_modules/vitest': { dev: true },
          'node_modules/vitest/node_modules/chai': { dev: true },
          'node_modules/azure-functions-core-tools': { optional: true },
          'node_modules/@img/sharp-win32-x64': { optional: true, os: ['win32'], cpu: ['x64'] },
          'node_modules/@img/sharp-linux-x64': { optional: true, os: ['linux'], cpu: ['x64'] },
        },
      }),
    );
    for (const p of [
      'zod',
      'vitest',
      'vitest/node_modules/chai',
      'azure-functions-core-tools',
      '@img/sharp-win32-x64',
      '@img/sharp-linux-x64',
    ])
      write(`node_modules/${p}/index.js`);
    for (const p of ['linux/x64', 'linux/arm64', 'win32/x64', 'darwin/arm64'])
      write(`node_modules/onnxruntime-node/bin/napi-v6/${p}/onnxruntime.node`);
    write('dist/functions/a.js');
    write('host.json', '{}');
    mkdirSync(join(root, 'models'));
    return root;
  }

  it('removes devDependencies, local tools, other platforms and their binaries; keeps the rest', () => {
    const root = fixture();
    const report = pruneInPlace(root, { platform: 'linux', arch: 'x64' });
    const left = readdirSync(join(root, 'node_modules'), { recursive: true, encoding: 'utf8' })
      .filter((p) => p.endsWith('.js') || p.endsWith('.node'))
      .sort();
    expect(left).toEqual([
      '@img/sharp-linux-x64/index.js',
      'onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime.node',
      'zod/index.js',
    ]);
    expect(report.removed).toEqual(
      expect.arrayContaining([
        'node_modules/vitest',
        'node_modules/azure-functions-core-tools',
        'node_modules/@img/sharp-win32-x64',
      ]),
    );
  });

  it('refuses a git checkout and a linked node_modules (a developer install)', () => {
    const root = fixture();
    writeFileSync(join(root, '.git'), 'gitdir: elsewhere');
    expect(() => pruneInPlace(root)).toThrow(/git checkout/);
    expect(existsSync(join(root, 'node_modules', 'vitest'))).toBe(true);
    expect(() => pruneInPlace(repoRoot)).toThrow(/git checkout|link/);
  });
});
