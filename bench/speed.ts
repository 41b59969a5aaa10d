/**
 * Speed: FRS against @vladmandic/face-api (TF.js, wasm backend) on the same images and the same
 * thread count. Each side does the whole job per image: read, decode, detect every face,
 * landmarks, an embedding for every face. Both sides decode with FRS's decodeImage (sharp:
 * EXIF rotation, RGB); face-api gets those very pixels as an int32 tensor3d, as its node
 * demos do, so the difference measured is model work. face-api runs
 * detectAllFaces(new SsdMobilenetv1Options()).withFaceLandmarks().withFaceDescriptors().
 *
 *   node --import tsx bench/speed.ts [--threads 1,2] [--procs 2] [--lfw 100] [--repeat 1] [--out bench/results/speed.md]
 *
 *   node --import tsx bench/speed.ts --interleave [--threads 1] [--repeat 3] [--lfw 30] [--out FILE]
 *
 * `--interleave` keeps one warmed-up child per side alive and gives them the images in turn (the
 * side that goes first alternates), so both are timed in the same minutes: on this shared machine
 * the speed of one side moves by 10-20% within minutes, which the sequential runs (one side, then
 * the other) attribute to whichever side ran at the time. `--neighbour scalar|onnx` keeps the
 * other core busy during the timed passes (bench/lib/busy-neighbour.ts).
 *
 * The parent only orchestrates: every (side, threads) pair runs in its own child process
 * (`--side frs|faceapi`), one after the other, so the peak RSS each reports
 * (process.resourceUsage().maxRSS) is that side's alone. Each child warms up on 2 images
 * first; then each set is timed (`--repeat` passes, all timed images pooled).
 * `--procs N` adds a throughput-only run per side with N concurrent 1-thread processes, each on
 * every N-th image of each set (how a face-api user would use N cores: TF.js wasm is single-threaded in Node).
 * `--frs-variants "none;2"` adds FRS runs at 1 thread with the manifest's detector.paddedPasses
 * overridden (none = the whole-image pass only; "4:0.25,3" = factor 4 with margin 0.25, then factor 3
 * with the default margin; "fixed=2,3" = the fixed 512x512 input with passes 2 and 3, the detector
 * FRS shipped before the dynamic input), to show what the detector's passes cost.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { LineChild } from './lib/line-child.js';
import { treeHash } from './lib/speed-tree-hash.js';

const root = resolve(import.meta.dirname, '..');
/** What the FRS side runs: a change here during a run invalidates it. */
const hashed = ['models/manifest.json', 'src/vision', 'src/config', 'src/errors.ts'];
const datasets = resolve(process.env.FRS_DATASETS_DIR ?? join(root, '../shared/datasets'));
const demoDir = join(root, 'node_modules/@vladmandic/face-api/demo');

const { values } = parseArgs({
  options: {
    side: { type: 'string' },
    threads: { type: 'string', default: '1' },
    lfw: { type: 'string', default: '100' },
    repeat: { type: 'string', default: '1' },
    procs: { type: 'string', default: '0' },
    /** child: override the manifest's detector.paddedPasses ('none' = whole-image pass only; see --frs-variants) */
    'padded-passes': { type: 'string' },
    /** parent: extra FRS runs at 1 thread with these paddedPasses overrides, ';'-separated (e.g. "none;2") */
    'frs-variants': { type: 'string' },
    /** child: after warm-up, time the image paths given on stdin one per line (the parent's --interleave) */
    serve: { type: 'boolean', default: false },
    /** parent: run both sides at once, alternating image by image (see the header) */
    interleave: { type: 'boolean', default: false },
    /** parent, with --interleave: keep the other core busy meanwhile (bench/lib/busy-neighbour.ts: scalar or onnx) */
    neighbour: { type: 'string' },
    shard: { type: 'string', default: '0' },
    shards: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});

/** "none" or comma-separated passes, each "factor" or "factor:margin" (margin default (factor - 1) / 2). */
function parsePaddedPasses(text: string): Array<{ factor: number; margin: number }> {
  if (text === 'none') return [];
  return text.split(',').map((token) => {
    const [factor, margin] = token.split(':').map(Number);
    return { factor, margin: margin ?? (factor - 1) / 2 };
  });
}

interface ImageSet {
  name: string;
  paths: string[];
}

function imageSets(lfwCount: number): ImageSet[] {
  const demo = [1, 2, 3, 4, 5, 6].map((i) => join(demoDir, `sample${i}.jpg`));
  const bbt = [1, 2, 3, 4, 5].map((i) => join(datasets, 'bbt', `bbt${i}.jpg`));
  const lfwDir = join(datasets, 'lfw', 'images_deepfunneled');
  const missing = [...demo, ...bbt, lfwDir].filter((p) => !existsSync(p));
  if (missing.length) {
    console.error(
      `bench/speed.ts needs ../shared/datasets (bbt and lfw/images_deepfunneled) and the face-api demo images; missing:\n  ${missing.join('\n  ')}`,
    );
    process.exit(2);
  }
  const lfw: string[] = [];
  for (const name of readdirSync(lfwDir).sort()) {
    for (const f of readdirSync(join(lfwDir, name))
      .filter((f) => f.endsWith('.jpg'))
      .sort()) {
      if (lfw.length < lfwCount) lfw.push(join(lfwDir, name, f));
    }
    if (lfw.length >= lfwCount) break;
  }
  return [
    { name: 'face-api demo (6 photos, 1920 px wide)', paths: demo },
    { name: 'bbt group scenes (5)', paths: bbt },
    { name: `LFW deep-funneled (first ${lfw.length}, 250x250)`, paths: lfw },
  ];
}

/** What a child reports. */
interface SetResult {
  name: string;
  ms: number[];
  decodeMs: number[];
  /** CPU time per image (process.cpuUsage: user + system of every thread of the child) */
  cpuMs: number[];
  /** FRS only: detect (with landmarks) and embed time per image */
  detectMs: number[];
  embedMs: number[];
  faces: number;
}
interface SideResult {
  side: 'frs' | 'faceapi';
  threads: number;
  loadMs: number;
  warmupMs: number;
  sets: SetResult[];
  /** wall time of the timed phase (all sets, after warm-up) */
  timedMs: number;
  maxRssMb: number;
  /** face-api only: whether TF.js found wasm multi-threading usable */
  wasm?: { simd: boolean; multithread: boolean; backend: string; tensorsAfterLoad: number; tensorsLeft: number };
  versions: Record<string, string>;
  /** FRS only: the detection configuration in force */
  config?: string;
}

// ---------------------------------------------------------------- child: one side, one thread count
/** One image through a side: what the child measures per image. */
interface ImageTiming {
  ms: number;
  decodeMs: number;
  cpuMs: number;
  faces: number;
  stages: { detect?: number; embed?: number };
}

/** A side loaded and warmed up: `one` times an image, `finish` reports what the side knows of itself. */
interface PreparedSide {
  one: (path: string) => Promise<ImageTiming>;
  loadMs: number;
  warmupMs: number;
  finish: () => Partial<SideResult>;
}

async function prepareSide(side: 'frs' | 'faceapi', threads: number, warmup: string[]): Promise<PreparedSide> {
  const { decodeImage } = await import('../src/vision/decode.js');
  const maxPixels = 100_000_000;
  const t0 = performance.now();
  let work: (
    image: Awaited<ReturnType<typeof decodeImage>>,
    stages: { detect?: number; embed?: number },
  ) => Promise<number>;
  let finish: () => Partial<SideResult> = () => ({});
  const pkg = (name: string) =>
    JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version as string;

  if (side === 'frs') {
    const { loadSettings } = await import('../src/config/settings.js');
    const { fromAppRoot } = await import('../src/config/app-root.js');
    const { FaceAnalyzer } = await import('../src/vision/face-analyzer.js');
    const { loadManifest } = await import('../src/vision/models/manifest.js');
    const settings = loadSettings(process.env, { FRS_INTRA_OP_THREADS: threads });
    const manifest = loadManifest(fromAppRoot(settings.FRS_MODEL_MANIFEST));
    const override = values['padded-passes'];
    if (override !== undefined) {
      // "fixed=..." also drops the dynamic input: the 512x512 letterboxed input face-api uses.
      if (override.startsWith('fixed=')) manifest.detector.dynamicInput = undefined;
      manifest.detector.paddedPasses = parsePaddedPasses(override.replace(/^fixed=/, ''));
    }
    const analyzer = new FaceAnalyzer(manifest, settings);
    work = async (image, stages) => {
      const t = performance.now();
      const faces = await analyzer.detect(image);
      stages.detect = performance.now() - t;
      if (faces.length) await analyzer.embed(image, faces);
      stages.embed = performance.now() - t - stages.detect;
      return faces.length;
    };
    const d = analyzer.manifest.detector;
    const config =
      `detector ${d.file} within ${d.input.width}x${d.input.height} (${d.dynamicInput ? `dynamic input: multiple ${d.dynamicInput.multiple}, maxUpscale ${d.dynamicInput.maxUpscale}` : d.resize}), paddedPasses ${JSON.stringify(d.paddedPasses)}, ` +
      `landmarks ${analyzer.manifest.landmarks?.file ?? 'from detector'}, embedder ${analyzer.embeddingModel}, flip averaging ${analyzer.manifest.embedder.flipAverage ? 'on' : 'off'}; ` +
      `FRS_MIN_DETECTION_SCORE ${settings.FRS_MIN_DETECTION_SCORE}, FRS_MIN_FACE_SIZE ${settings.FRS_MIN_FACE_SIZE}`;
    finish = () => ({ config, versions: { 'onnxruntime-node': pkg('onnxruntime-node'), sharp: pkg('sharp') } });
  } else {
    const { loadFaceApi } = await import('../test/helpers/face-api-reference.js');
    const faceapi = await loadFaceApi(threads);
    const options = new faceapi.SsdMobilenetv1Options();
    const tensorsAfterLoad = faceapi.tf.memory().numTensors as number;
    work = async (image) => {
      const tensor = faceapi.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      try {
        const result = await faceapi.detectAllFaces(tensor, options).withFaceLandmarks().withFaceDescriptors();
        return result.length as number;
      } finally {
        tensor.dispose();
      }
    };
    const env = faceapi.tf.env();
    const wasm = {
      simd: Boolean(await env.getAsync('WASM_HAS_SIMD_SUPPORT')),
      multithread: Boolean(await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
      backend: faceapi.tf.getBackend() as string,
    };
    finish = () => ({
      wasm: { ...wasm, tensorsAfterLoad, tensorsLeft: faceapi.tf.memory().numTensors as number },
      versions: {
        '@vladmandic/face-api': pkg('@vladmandic/face-api'),
        '@tensorflow/tfjs': pkg('@tensorflow/tfjs'),
        '@tensorflow/tfjs-backend-wasm': pkg('@tensorflow/tfjs-backend-wasm'),
        sharp: pkg('sharp'),
      },
    });
  }
  const loadMs = performance.now() - t0;

  const one = async (path: string): Promise<ImageTiming> => {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const image = await decodeImage(readFileSync(path), { maxPixels });
    const decoded = performance.now();
    const stages: { detect?: number; embed?: number } = {};
    const faces = await work(image, stages);
    const cpu = process.cpuUsage(cpu0);
    return {
      ms: performance.now() - start,
      decodeMs: decoded - start,
      cpuMs: (cpu.user + cpu.system) / 1000,
      faces,
      stages,
    };
  };

  const w0 = performance.now();
  for (const path of warmup) await one(path);
  return { one, loadMs, warmupMs: performance.now() - w0, finish };
}

async function runSide(
  side: 'frs' | 'faceapi',
  threads: number,
  warmup: string[],
  sets: ImageSet[],
  repeat: number,
): Promise<SideResult> {
  const { one, loadMs, warmupMs, finish } = await prepareSide(side, threads, warmup);
  const results: SetResult[] = [];
  const timed0 = performance.now();
  for (const set of sets) {
    const r: SetResult = { name: set.name, ms: [], decodeMs: [], cpuMs: [], detectMs: [], embedMs: [], faces: 0 };
    for (let pass = 0; pass < repeat; pass++) {
      for (const path of set.paths) {
        const x = await one(path);
        r.ms.push(x.ms);
        r.decodeMs.push(x.decodeMs);
        r.cpuMs.push(x.cpuMs);
        if (x.stages.detect !== undefined) r.detectMs.push(x.stages.detect);
        if (x.stages.embed !== undefined) r.embedMs.push(x.stages.embed);
        if (pass === 0) r.faces += x.faces;
      }
    }
    console.error(
      `  ${side} ${threads}t: ${set.name}: ${r.faces} faces, ${(r.ms.reduce((a, b) => a + b, 0) / r.ms.length).toFixed(0)} ms/image`,
    );
    results.push(r);
  }
  return {
    side,
    threads,
    loadMs,
    warmupMs,
    sets: results,
    timedMs: performance.now() - timed0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    versions: {},
    ...finish(),
  };
}

/**
 * The child of an interleaved run: one JSON line when ready, then one per path read from stdin
 * (an ImageTiming), and on "end" the side's own report (peak RSS, load, versions).
 */
async function serveSide(side: 'frs' | 'faceapi', threads: number, warmup: string[]): Promise<void> {
  const { one, loadMs, warmupMs, finish } = await prepareSide(side, threads, warmup);
  const write = (value: unknown) => process.stdout.write(JSON.stringify(value) + '\n');
  write({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'end') break;
    write(await one(line));
  }
  write({ side, threads, loadMs, warmupMs, maxRssMb: process.resourceUsage().maxRSS / 1024, ...finish() });
}

// ---------------------------------------------------------------- parent: orchestration and report
/** How the parent starts this script as one side's child: node arguments and environment. */
function sideProcess(side: string, threads: number, extra: string[]): { args: string[]; env: NodeJS.ProcessEnv } {
  return {
    args: ['--import', 'tsx', fileURLToPath(import.meta.url), '--side', side, '--threads', String(threads), ...extra],
    env: { ...process.env, FRS_INTRA_OP_THREADS: String(threads) },
  };
}

function child(
  side: string,
  threads: number,
  lfw: number,
  repeat: number,
  shard = 0,
  shards = 1,
  paddedPasses?: string,
): Promise<SideResult> {
  return new Promise((resolveChild, reject) => {
    const extra = [
      '--lfw',
      String(lfw),
      '--repeat',
      String(repeat),
      '--shard',
      String(shard),
      '--shards',
      String(shards),
    ];
    if (paddedPasses !== undefined) extra.push('--padded-passes', paddedPasses);
    const { args, env } = sideProcess(side, threads, extra);
    const p = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${side} child exited with ${code}`));
      resolveChild(JSON.parse(out.trim().split('\n').at(-1)!) as SideResult);
    });
  });
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
}
const f0 = (v: number) => v.toFixed(0);
const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);

function machine(): string[] {
  const cpu =
    readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const nproc = execFileSync('nproc').toString().trim();
  return [`nproc ${nproc}`, `CPU ${cpu}`, `node ${process.version}`, `${process.platform} ${process.arch}`];
}

/**
 * Both sides at once, warmed up in their own processes, taking turns image by image (which side
 * goes first alternates), so a change in the machine's speed during the run reaches both: the
 * sequential runs above time FRS and face-api minutes apart, and this machine has moved by 10-20%
 * within minutes. Only one side works at any moment.
 */
async function interleaved(sets: ImageSet[], threadCounts: number[], repeat: number): Promise<void> {
  const started = new Date();
  const hashBefore = treeHash(hashed);
  const lines: string[] = [
    '# Speed: FRS vs @vladmandic/face-api, interleaved',
    '',
    `\`node --import tsx bench/speed.ts ${process.argv.slice(2).join(' ')}\` — ${started.toISOString()}`,
    '',
    `Machine: ${machine().join('; ')}. Load before: ${loadavg().map(f2).join(', ')}.`,
    '',
    'Both sides as in the sequential runs (same decode, same calls, warm-up on the same 2 images), but alive at the same time and',
    'given the images in turn: image k of pass p goes first to FRS when k + p is even, to face-api otherwise, and the next',
    `image is sent when both have answered. ${repeat} pass(es) over each set; ratios are of summed times.`,
    values.neighbour
      ? `Meanwhile another process keeps the second core busy (\`bench/lib/busy-neighbour.ts ${values.neighbour}\`), from the end of the warm-up to the end of the timed passes.`
      : 'Nothing else runs meanwhile.',
    '',
  ];
  const configAt = lines.length;
  for (const threads of threadCounts) {
    const start = (side: string) => {
      const { args, env } = sideProcess(side, threads, ['--serve']);
      return new LineChild(process.execPath, args, { cwd: root, env, name: side });
    };
    const frs = start('frs');
    const api = start('faceapi');
    await Promise.all([frs.next(), api.next()]);
    // Started once both sides are warm, so it competes with the timed work only.
    const neighbour = values.neighbour
      ? spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/lib/busy-neighbour.ts'), values.neighbour], {
          cwd: root,
          stdio: 'inherit',
        })
      : undefined;
    lines.push(
      `## ${threads} thread(s)`,
      '',
      '| set | FRS ms/image | face-api ms/image | wall FRS / face-api | per pass | CPU ms/image FRS / face-api | CPU ratio | faces FRS / face-api |',
      '|---|---:|---:|---:|---|---|---:|---|',
    );
    const all = { frs: 0, api: 0, frsCpu: 0, apiCpu: 0 };
    for (const set of sets) {
      const t = { frs: [] as ImageTiming[], api: [] as ImageTiming[] };
      const passRatios: number[] = [];
      for (let pass = 0; pass < repeat; pass++) {
        let frsMs = 0,
          apiMs = 0;
        for (const [k, path] of set.paths.entries()) {
          const order = (k + pass) % 2 === 0 ? (['frs', 'api'] as const) : (['api', 'frs'] as const);
          for (const side of order) {
            const timing = await (side === 'frs' ? frs : api).ask<ImageTiming>(path);
            t[side].push(timing);
            if (side === 'frs') frsMs += timing.ms;
            else apiMs += timing.ms;
          }
        }
        passRatios.push(apiMs / frsMs);
      }
      const total = (xs: ImageTiming[], key: 'ms' | 'cpuMs') => sum(xs.map((x) => x[key]));
      const faces = (xs: ImageTiming[]) => sum(xs.slice(0, set.paths.length).map((x) => x.faces));
      all.frs += total(t.frs, 'ms');
      all.api += total(t.api, 'ms');
      all.frsCpu += total(t.frs, 'cpuMs');
      all.apiCpu += total(t.api, 'cpuMs');
      const n = t.frs.length;
      lines.push(
        `| ${set.name} | ${f1(total(t.frs, 'ms') / n)} | ${f1(total(t.api, 'ms') / n)} | **${f2(total(t.api, 'ms') / total(t.frs, 'ms'))}x** | ` +
          `${f2(Math.min(...passRatios))}-${f2(Math.max(...passRatios))}x | ${f1(total(t.frs, 'cpuMs') / n)} / ${f1(total(t.api, 'cpuMs') / n)} | ` +
          `${f2(total(t.api, 'cpuMs') / total(t.frs, 'cpuMs'))}x | ${faces(t.frs)} / ${faces(t.api)} |`,
      );
      console.error(`  ${threads}t ${set.name}: ${f2(total(t.api, 'ms') / total(t.frs, 'ms'))}x`);
    }
    lines.push(`| all images | | | **${f2(all.api / all.frs)}x** | | | ${f2(all.apiCpu / all.frsCpu)}x | |`, '');
    neighbour?.kill();
    const [frsEnd, apiEnd] = await Promise.all([frs.ask<SideResult>('end'), api.ask<SideResult>('end')]);
    await Promise.all([frs.close(), api.close()]);
    lines.push(
      `Peak RSS: FRS **${f0(frsEnd.maxRssMb)} MB**, face-api ${f0(apiEnd.maxRssMb)} MB. Load after: ${loadavg().map(f2).join(', ')}.`,
      '',
    );
    if (threads === threadCounts[0]) lines.splice(configAt, 0, `FRS configuration: ${frsEnd.config}.`, '');
  }
  const hashAfter = treeHash(hashed);
  lines.push(
    `Fingerprint of ${hashed.join(', ')}: ${hashBefore} at start, ${hashAfter} at end${hashBefore === hashAfter ? ' (unchanged during the run)' : ' — **CHANGED during the run: rerun**'}.`,
    '',
  );
  const report = lines.join('\n');
  console.log(report);
  if (values.out) writeFileSync(values.out, report);
}

async function main(): Promise<void> {
  const lfw = Number(values.lfw);
  const repeat = Number(values.repeat);
  if (values.side) {
    if (values.side !== 'frs' && values.side !== 'faceapi') throw new Error('--side is frs or faceapi');
    const shard = Number(values.shard),
      shards = Number(values.shards);
    const all = imageSets(lfw);
    const mine = all.map((s) => ({ ...s, paths: s.paths.filter((_, i) => i % shards === shard) }));
    if (values.serve) return serveSide(values.side, Number(values.threads), all[0].paths.slice(0, 2));
    const result = await runSide(values.side, Number(values.threads), all[0].paths.slice(0, 2), mine, repeat);
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }

  const sets = imageSets(lfw);
  if (values.interleave) return interleaved(sets, values.threads!.split(',').map(Number), repeat);
  const hashBefore = treeHash(hashed);
  const threadCounts = values.threads!.split(',').map(Number);
  const started = new Date();
  const uptimeBefore = execFileSync('uptime').toString().trim();
  const load: string[] = [`before: ${uptimeBefore}`];
  const runs: Array<{ threads: number; frs: SideResult; faceapi: SideResult }> = [];
  for (const threads of threadCounts) {
    console.error(`threads ${threads}: FRS ...`);
    const frs = await child('frs', threads, lfw, repeat);
    load.push(`after FRS ${threads}t: ${loadavg().map(f2).join(', ')}`);
    console.error(`threads ${threads}: face-api ...`);
    const faceapi = await child('faceapi', threads, lfw, repeat);
    load.push(`after face-api ${threads}t: ${loadavg().map(f2).join(', ')}`);
    runs.push({ threads, frs, faceapi });
  }
  const variants: Array<{ passes: string; frs: SideResult }> = [];
  for (const passes of values['frs-variants']?.split(';').filter(Boolean) ?? []) {
    console.error(`FRS 1 thread, paddedPasses ${passes} ...`);
    variants.push({ passes, frs: await child('frs', 1, lfw, repeat, 0, 1, passes) });
    load.push(`after FRS 1t paddedPasses ${passes}: ${loadavg().map(f2).join(', ')}`);
  }
  const procs = Number(values.procs);
  const multi: Array<{ side: string; results: SideResult[]; wallMs: number }> = [];
  if (procs > 1) {
    for (const side of ['frs', 'faceapi']) {
      console.error(`${procs} processes x 1 thread: ${side} ...`);
      const t = performance.now();
      const results = await Promise.all(Array.from({ length: procs }, (_, k) => child(side, 1, lfw, repeat, k, procs)));
      multi.push({ side, results, wallMs: performance.now() - t });
      load.push(`after ${side} ${procs}x1: ${loadavg().map(f2).join(', ')}`);
    }
  }

  const hashAfter = treeHash(hashed);
  const command = `node --import tsx bench/speed.ts ${process.argv.slice(2).join(' ')}`.trim();
  const lines: string[] = [
    '# Speed: FRS vs @vladmandic/face-api',
    '',
    `\`${command}\` — ${started.toISOString()}`,
    '',
    `Machine: ${machine().join('; ')}. Load (uptime / os.loadavg 1, 5, 15 min): ${load.join('; ')}.`,
    '',
    "Same images, same decoded pixels: both sides read the file and decode it with FRS's `decodeImage` (sharp, EXIF-rotated RGB), inside the timed",
    'span; face-api then gets those pixels as an int32 `tensor3d` (as its node demos build it) and runs',
    '`detectAllFaces(img, new SsdMobilenetv1Options()).withFaceLandmarks().withFaceDescriptors()` (defaults: minConfidence 0.5, maxResults 100);',
    "FRS runs `FaceAnalyzer.detect` + `embed` for every face (what the pipeline's detect stage does, minus thumbnails and the database).",
    `Each side runs in its own child process, one after the other; each warms up on 2 images (${sets[0].paths
      .slice(0, 2)
      .map((p) => relative(root, p))
      .join(', ')}) before timing;`,
    `${repeat} timed pass(es) per set. ms/image includes read + decode; the decode share is shown separately.`,
    '',
    `FRS configuration (models/manifest.json and settings at run time): ${runs[0].frs.config}.`,
    `Fingerprint of ${hashed.join(', ')}: ${hashBefore} at start, ${hashAfter} at end${hashBefore === hashAfter ? ' (unchanged during the run)' : ' — **CHANGED during the run: the numbers mix two versions; rerun**'}.`,
    '',
  ];
  for (const { threads, frs, faceapi } of runs) {
    lines.push(`## ${threads} thread(s): FRS_INTRA_OP_THREADS=${threads}, TF.js wasm setThreadsCount(${threads})`, '');
    if (faceapi.wasm) {
      lines.push(
        `TF.js backend \`${faceapi.wasm.backend}\`, SIMD ${faceapi.wasm.simd ? 'yes' : 'no'}, wasm multi-threading ${faceapi.wasm.multithread ? 'yes' : '**no** (TF.js disables wasm threads under Node, tfjs#3830: face-api runs on 1 thread whatever setThreadsCount says)'}; ` +
          `TF.js tensors after model load / after the run: ${faceapi.wasm.tensorsAfterLoad} / ${faceapi.wasm.tensorsLeft}.`,
        '',
      );
    }
    lines.push(
      '| set | side | images/s | ms/image mean | ms/image p95 | of which decode (mean) | faces found | throughput FRS / face-api |',
      '|---|---|---|---|---|---|---|---|',
    );
    let allFrs = 0,
      allApi = 0,
      imgs = 0;
    frs.sets.forEach((s, k) => {
      const a = faceapi.sets[k];
      const ratio = mean(a.ms) / mean(s.ms);
      allFrs += sum(s.ms) / repeat;
      allApi += sum(a.ms) / repeat;
      imgs += s.ms.length / repeat;
      lines.push(
        `| ${s.name} | FRS | ${f2(1000 / mean(s.ms))} | ${f1(mean(s.ms))} | ${f1(p95(s.ms))} | ${f1(mean(s.decodeMs))} | ${s.faces} | **${f2(ratio)}x** |`,
      );
      lines.push(
        `| | face-api | ${f2(1000 / mean(a.ms))} | ${f1(mean(a.ms))} | ${f1(p95(a.ms))} | ${f1(mean(a.decodeMs))} | ${a.faces} | |`,
      );
    });
    lines.push(
      `| all ${imgs} images | FRS / face-api | ${f2((imgs * 1000) / allFrs)} / ${f2((imgs * 1000) / allApi)} | | | | | **${f2(allApi / allFrs)}x** |`,
      '',
    );
    lines.push(
      `Peak RSS (resourceUsage().maxRSS of each child process): FRS **${f0(frs.maxRssMb)} MB**, face-api **${f0(faceapi.maxRssMb)} MB**. ` +
        `Model load: FRS ${f0(frs.loadMs)} ms, face-api ${f0(faceapi.loadMs)} ms; warm-up (2 images): FRS ${f0(frs.warmupMs)} ms, face-api ${f0(faceapi.warmupMs)} ms.`,
      '',
    );
    const modelOnly = frs.sets.map(
      (s, k) =>
        `${s.name.split(' (')[0]} ${f2((mean(faceapi.sets[k].ms) - mean(faceapi.sets[k].decodeMs)) / (mean(s.ms) - mean(s.decodeMs)))}x`,
    );
    lines.push(`Model work only (ms/image minus decode), FRS speed-up: ${modelOnly.join(', ')}.`, '');
    const cpuRatios = frs.sets.map(
      (s, k) =>
        `${s.name.split(' (')[0]} ${f1(mean(s.cpuMs))} / ${f1(mean(faceapi.sets[k].cpuMs))} ms, **${f2(mean(faceapi.sets[k].cpuMs) / mean(s.cpuMs))}x**`,
    );
    const cpuAll = (r: SideResult) => sum(r.sets.map((x) => sum(x.cpuMs)));
    lines.push(
      `CPU time per image (process.cpuUsage of each child, all its threads, read + decode included; moves less than wall time when other processes share the cores), FRS / face-api: ${cpuRatios.join('; ')}; all images **${f2(cpuAll(faceapi) / cpuAll(frs))}x**.`,
      '',
    );
    lines.push(
      `FRS time per image by stage (mean ms, decode / detect incl. landmarks / align + embed): ${frs.sets.map((s) => `${s.name.split(' (')[0]} ${f1(mean(s.decodeMs))} / ${f1(mean(s.detectMs))} / ${f1(mean(s.embedMs))}`).join('; ')}.`,
      '',
    );
  }
  const api1 = runs.find((r) => r.threads === 1)?.faceapi;
  if (variants.length && api1) {
    lines.push(
      '## FRS detector variants, 1 thread (against face-api at 1 thread above)',
      '',
      "The same FRS run with the manifest's `detector.paddedPasses` overridden in the child (the shipped value is in the configuration line above).",
      '',
      '| paddedPasses | set | images/s | ms/image mean | ms/image p95 | detect incl. landmarks (mean ms) | faces found | throughput FRS / face-api |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const { passes, frs } of variants) {
      let allFrs = 0,
        allApi = 0,
        imgs = 0;
      frs.sets.forEach((s, k) => {
        const a = api1.sets[k];
        allFrs += sum(s.ms);
        allApi += sum(a.ms);
        imgs += s.ms.length;
        lines.push(
          `| ${k === 0 ? passes : ''} | ${s.name} | ${f2(1000 / mean(s.ms))} | ${f1(mean(s.ms))} | ${f1(p95(s.ms))} | ${f1(mean(s.detectMs))} | ${s.faces} | **${f2(mean(a.ms) / mean(s.ms))}x** |`,
        );
      });
      lines.push(
        `| | all ${imgs / repeat} images | ${f2((imgs * 1000) / allFrs)} | | | | | **${f2(allApi / allFrs)}x** |`,
      );
    }
    lines.push('');
  }
  if (multi.length) {
    lines.push(
      `## ${procs} processes x 1 thread each (throughput only)`,
      '',
      `Each side started as ${procs} concurrent child processes with 1 thread, process k taking every ${procs}-th image (index % ${procs} = k) of each set, each warming up on its own.`,
      'Throughput = sum over processes of (its timed images / its timed-phase wall time); p95 is of per-image latency across the processes.',
      '',
      '| side | images | images/s | ms/image mean | ms/image p95 | faces found | sum of peak RSS | throughput vs face-api |',
      '|---|---|---|---|---|---|---|---|',
    );
    const rate = (m: (typeof multi)[number]) =>
      sum(m.results.map((r) => (r.sets.reduce((n, x) => n + x.ms.length, 0) * 1000) / r.timedMs));
    const api = multi.find((m) => m.side === 'faceapi')!;
    for (const m of multi) {
      const ms = m.results.flatMap((r) => r.sets.flatMap((x) => x.ms));
      const faces = sum(m.results.flatMap((r) => r.sets.map((x) => x.faces)));
      lines.push(
        `| ${m.side === 'frs' ? 'FRS' : 'face-api'} | ${ms.length / repeat} | ${f2(rate(m))} | ${f1(mean(ms))} | ${f1(p95(ms))} | ${faces} | ${f0(sum(m.results.map((r) => r.maxRssMb)))} MB | **${f2(rate(m) / rate(api))}x** |`,
      );
    }
    const best1 = runs.find((r) => r.threads === procs);
    if (best1) {
      const imgs = best1.frs.sets.reduce((n, x) => n + x.ms.length, 0);
      lines.push(
        '',
        `For comparison, FRS as 1 process x ${procs} threads: ${f2((imgs * 1000) / best1.frs.timedMs)} images/s over the same images.`,
      );
    }
    lines.push('');
  }
  const v = runs[0];
  lines.push(
    `Versions: ${Object.entries({ ...v.frs.versions, ...v.faceapi.versions })
      .map(([k, x]) => `${k} ${x}`)
      .join(', ')}.`,
    '',
  );
  const report = lines.join('\n');
  console.log(report);
  if (values.out) writeFileSync(values.out, report);
}

await main();
