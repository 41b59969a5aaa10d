/**
 * What a cold Function App instance does before it answers, measured on the production package
 * (`npm run package:azure`): a fresh `node` process loads every function module from the
 * package's own node_modules (what the Functions host does at initialisation; Flex Consumption
 * allows 30 s for it), then the first request builds the face analyzer and runs detection,
 * landmarks and the embedder once (ONNX sessions created on first use). Each run is a new
 * process, so nothing is cached in memory; the OS file cache is warm after the first run, as it
 * is not on a fresh instance, so the first run is reported on its own.
 *
 *   npm run package:azure && npx tsx bench/cold-start.ts [--package .azure-package] [--runs 5] [--out file.md]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    package: { type: 'string', default: '.azure-package' },
    runs: { type: 'string', default: '5' },
    out: { type: 'string' },
  },
});
const dir = resolve(values.package);
if (!existsSync(resolve(dir, 'dist/functions')))
  throw new Error(`${dir} holds no built package: run \`npm run package:azure\` first.`);

/** Runs in the package folder with only its own node_modules. */
const script = `
  import { readdirSync } from 'node:fs';
  import { pathToFileURL } from 'node:url';
  const t0 = performance.now();
  const { app } = await import('@azure/functions');
  let functions = 0;
  for (const kind of ['http', 'timer', 'storageBlob', 'storageQueue', 'eventGrid', 'generic'])
    app[kind] = () => { functions++; };
  for (const f of readdirSync('dist/functions').filter((f) => f.endsWith('.js')).sort())
    await import(pathToFileURL('dist/functions/' + f).href);
  const loaded = performance.now();
  const { loadSettings } = await import(pathToFileURL('dist/src/config/settings.js').href);
  const { FaceAnalyzer } = await import(pathToFileURL('dist/src/vision/face-analyzer.js').href);
  const settings = loadSettings({ FRS_DATABASE: ':memory:' });
  const analyzer = FaceAnalyzer.fromManifestFile('models/manifest.json', settings);
  // A grey 640x480 frame: detection runs on it; landmarks and embedder on one fixed box.
  const image = { data: new Uint8Array(640 * 480 * 3).fill(128), width: 640, height: 480, format: 'raw' };
  await analyzer.detect(image);
  const [landmarks] = await analyzer.landmarksFor(image, [[220, 140, 420, 340]]);
  await analyzer.embed(image, [{ landmarks }]);
  const ready = performance.now();
  console.log(JSON.stringify({ functions, loadMs: loaded - t0, firstRequestMs: ready - loaded, rssMb: process.memoryUsage().rss / 2 ** 20 }));
`;

interface Run {
  functions: number;
  loadMs: number;
  firstRequestMs: number;
  rssMb: number;
  processMs: number;
}

const runs: Run[] = [];
for (let r = 0; r < Number(values.runs); r++) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`run ${r + 1} failed:\n${child.stderr}`);
  const line = child.stdout.trim().split('\n').pop()!;
  runs.push({ ...(JSON.parse(line) as Omit<Run, 'processMs'>), processMs: performance.now() - started });
  console.log(`run ${r + 1}: ${line}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${Math.round(x)} ms`;
const rest = runs.slice(1);
const report = `# Cold start of the production package

\`npm run package:azure && npx tsx bench/cold-start.ts --runs ${runs.length}\` — each run a new \`node\`
process in \`${values.package}\` with only the package's node_modules.

| measure | first run | median of runs 2-${runs.length} |
| --- | --- | --- |
| load every function module (${runs[0].functions} registrations): what host initialisation waits for | ${ms(runs[0].loadMs)} | ${rest.length ? ms(median(rest.map((r) => r.loadMs))) : '-'} |
| first request: analyzer built, detection + landmarks + embedder run once (ONNX sessions created) | ${ms(runs[0].firstRequestMs)} | ${rest.length ? ms(median(rest.map((r) => r.firstRequestMs))) : '-'} |
| whole process, start to exit | ${ms(runs[0].processMs)} | ${rest.length ? ms(median(rest.map((r) => r.processMs))) : '-'} |
| RSS after the first request | ${Math.round(runs[0].rssMb)} MB | ${rest.length ? Math.round(median(rest.map((r) => r.rssMb))) : '-'} MB |

Machine: ${cpus()[0].model}, ${cpus().length} cores (1-minute load ${loadavg()[0].toFixed(1)} at the end), Node ${process.version}.
Not measured: the Functions host's own start and the package download to a new instance (no Azure here).
`;
if (values.out) writeFileSync(values.out, report);
console.log(report);
