/**
 * The production package of the Function App, as Azure runs it: compiled code, host.json,
 * models, package.json and only the packages the app needs at run time, for Linux x64.
 *
 * Left out: devDependencies (TensorFlow.js, face-api, Human, Azurite, the test and lint tools:
 * most of a full install), the root's optionalDependencies (Azure Functions Core Tools, a local
 * host), packages for other platforms (sharp's per-platform binaries), and onnxruntime-node's
 * Windows and macOS binaries (220 of its 288 MB). A smaller package starts faster and stays well
 * within Flex Consumption's host-initialisation limit.
 *
 *   tsx deploy/azure-package.ts --out .azure-package   stages a copy (any machine) and checks its size
 *   tsx deploy/azure-package.ts --in-place             prunes this folder: the remote (Oryx) build's
 *                                                      `npm run build:azure`; refused in a git checkout
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** What a deployment may weigh at most (the issue's budget for a fast cold start). */
export const MAX_PACKAGE_BYTES = 300 * 1024 * 1024;

/** Files and folders of the project that the app needs at run time (besides node_modules). */
export const APP_FILES = ['dist', 'host.json', 'package.json', 'models'];

export interface Target {
  platform: NodeJS.Platform;
  arch: string;
}

export const AZURE_TARGET: Target = { platform: 'linux', arch: 'x64' };

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

interface Lockfile {
  packages: Record<string, LockEntry>;
}

interface PackageJson {
  optionalDependencies?: Record<string, string>;
}

function fits(entry: LockEntry, target: Target): boolean {
  const allows = (list: string[] | undefined, value: string) =>
    !list || (list.some((v) => !v.startsWith('!')) ? list.includes(value) : !list.includes(`!${value}`));
  // Azure's Linux is glibc-based: musl builds are for Alpine.
  const glibc = !entry.libc || entry.libc.includes('glibc');
  return allows(entry.os, target.platform) && allows(entry.cpu, target.arch) && glibc;
}

/**
 * The node_modules paths (as package-lock.json names them) that the app needs on `target`:
 * not dev-only, not under the root's optional tools, built for the target platform.
 */
export function productionPackages(lock: Lockfile, pkg: PackageJson, target: Target = AZURE_TARGET): string[] {
  const localTools = Object.keys(pkg.optionalDependencies ?? {}).map((name) => `node_modules/${name}`);
  return Object.entries(lock.packages)
    .filter(([path]) => path.startsWith('node_modules/'))
    .filter(([, entry]) => !entry.dev && !entry.devOptional)
    .filter(([path]) => !localTools.some((tool) => path === tool || path.startsWith(`${tool}/`)))
    .filter(([, entry]) => fits(entry, target))
    .map(([path]) => path)
    .sort();
}

/** onnxruntime-node's native binaries for other platforms: bin/napi-v*\/<platform>/<arch>. */
export function foreignBinaries(root: string, target: Target = AZURE_TARGET): string[] {
  const bin = join(root, 'node_modules', 'onnxruntime-node', 'bin');
  if (!existsSync(bin)) return [];
  const out: string[] = [];
  for (const napi of readdirSync(bin)) {
    for (const platform of readdirSync(join(bin, napi))) {
      const platformDir = join(bin, napi, platform);
      if (platform !== target.platform) {
        out.push(platformDir);
        continue;
      }
      for (const arch of readdirSync(platformDir)) if (arch !== target.arch) out.push(join(platformDir, arch));
    }
  }
  return out.sort();
}

/** Bytes under a path; links are followed when `follow` (the top one only) or not at all. */
export function sizeOf(path: string, follow = false): number {
  const stat = follow ? statSync(path) : lstatSync(path);
  if (!stat.isDirectory()) return stat.isSymbolicLink() ? 0 : stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export interface PackageReport {
  dir: string;
  bytes: number;
  packages: number;
  removed: string[];
}

export interface StageOptions {
  target?: Target;
  /**
   * Symlink the packages and app files instead of copying them: a quick check of what the
   * package holds and that the app loads from it, without writing hundreds of MB. Nothing is
   * pruned then (it would reach through the links into the source install); `bytes` is what a
   * copy would weigh.
   */
  link?: boolean;
  /** Where the compiled code comes from (default: root/dist). */
  dist?: string;
}

/** Stages the production package of the project at `root` into `out`. */
export function stagePackage(root: string, out: string, options: StageOptions = {}): PackageReport {
  const target = options.target ?? AZURE_TARGET;
  const packages = productionPackages(
    readJson(join(root, 'package-lock.json')),
    readJson(join(root, 'package.json')),
    target,
  );
  const place = (from: string, to: string, link = options.link) => {
    mkdirSync(dirname(to), { recursive: true });
    if (link) symlinkSync(from, to);
    else cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  };
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const file of APP_FILES) {
    const from = file === 'dist' && options.dist ? options.dist : join(root, file);
    if (!existsSync(from)) throw new Error(`${from} is missing: run the build first (tsc -p tsconfig.json).`);
    // The code is always copied: Node resolves a linked file's imports from where it really is.
    place(from, join(out, file), options.link && file === 'models');
  }
  let placed = 0;
  let bytes = APP_FILES.reduce((sum, f) => sum + sizeOf(join(out, f), true), 0);
  // Outer packages first (sorted paths): a nested node_modules lands inside its parent. Linked,
  // a nested package is reached through its parent's link.
  for (const path of packages) {
    const from = join(root, path);
    if (!existsSync(from)) continue; // an optional package npm skipped on this machine
    const to = join(out, path);
    if (existsSync(to)) continue; // placed with its parent
    place(from, to);
    bytes += sizeOf(from, false);
    placed++;
  }
  if (options.link) {
    const foreign = foreignBinaries(root, target);
    bytes -= foreign.reduce((sum, b) => sum + sizeOf(b), 0);
    return { dir: out, bytes, packages: placed, removed: foreign.map((b) => relative(root, b)) };
  }
  const removed = pruneForeign(out, packages, target);
  return { dir: out, bytes: sizeOf(out), packages: placed, removed };
}

/**
 * The names of the functions the app registers when the host loads the package at `dir`: each
 * compiled functions/*.js is imported by a plain `node` in that folder, with @azure/functions'
 * registration calls recorded instead of sent to a host. An import of a package the production
 * package lacks fails here.
 */
export function registeredFunctions(dir: string): string[] {
  const script = `
    import { readdirSync } from 'node:fs';
    import { pathToFileURL } from 'node:url';
    import { app } from '@azure/functions';
    const names = [];
    for (const kind of ['http', 'timer', 'storageBlob', 'storageQueue', 'eventGrid', 'generic'])
      app[kind] = (name) => names.push(name);
    for (const f of readdirSync('dist/functions').filter((f) => f.endsWith('.js')).sort())
      await import(pathToFileURL('dist/functions/' + f).href);
    console.log(JSON.stringify(names.sort()));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`loading the functions from ${dir} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as string[];
}

/** Removes what `keep` does not list from node_modules, and other platforms' binaries. */
function pruneForeign(dir: string, keep: string[], target: Target): string[] {
  const removed: string[] = [];
  const kept = new Set(keep);
  const walk = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const name of readdirSync(modules)) {
      if (name.startsWith('.')) continue;
      const full = join(modules, name);
      if (name.startsWith('@') && statSync(full).isDirectory()) {
        for (const scoped of readdirSync(full)) check(join(full, scoped));
        continue;
      }
      check(full);
    }
  };
  const check = (full: string) => {
    const path = relative(dir, full).split('\\').join('/');
    if (!kept.has(path)) {
      rmSync(full, { recursive: true, force: true });
      removed.push(path);
      return;
    }
    walk(join(full, 'node_modules'));
  };
  walk(join(dir, 'node_modules'));
  for (const binary of foreignBinaries(dir, target)) {
    rmSync(binary, { recursive: true, force: true });
    removed.push(relative(dir, binary).split('\\').join('/'));
  }
  return removed;
}

/**
 * The remote build's step: prunes the project folder it runs in to the production package.
 * Refused where the folder is a developer's checkout (a .git entry, or node_modules being a
 * link to a shared install), whose install it would destroy.
 */
export function pruneInPlace(
  root: string,
  target: Target = { platform: process.platform, arch: process.arch },
): PackageReport {
  if (existsSync(join(root, '.git')))
    throw new Error(`${root} is a git checkout: --in-place is for the remote build only; use --out <dir> here.`);
  if (lstatSync(join(root, 'node_modules')).isSymbolicLink())
    throw new Error(`${root}/node_modules is a link to another install: refusing to prune it.`);
  const packages = productionPackages(
    readJson(join(root, 'package-lock.json')),
    readJson(join(root, 'package.json')),
    target,
  );
  const removed = pruneForeign(root, packages, target);
  return {
    dir: root,
    bytes: APP_FILES.concat('node_modules').reduce(
      (s, f) => s + (existsSync(join(root, f)) ? sizeOf(join(root, f)) : 0),
      0,
    ),
    packages: packages.length,
    removed,
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function main(args: string[]): number {
  const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
  let report: PackageReport;
  if (args[0] === '--in-place') report = pruneInPlace(root);
  else if (args[0] === '--out' && args[1]) report = stagePackage(root, resolve(args[1]));
  else {
    console.error('usage: tsx deploy/azure-package.ts --out <dir> | --in-place');
    return 2;
  }
  console.log(
    `azure-package: ${report.dir}: ${mb(report.bytes)}, ${report.packages} package(s), ${report.removed.length} removed`,
  );
  if (report.bytes > MAX_PACKAGE_BYTES) {
    console.error(`azure-package: ${mb(report.bytes)} is over the ${mb(MAX_PACKAGE_BYTES)} budget.`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname))
  process.exit(main(process.argv.slice(2)));
