/**
 * Grouping at archive scale, through the pipeline's own entry points on a real SQLite library
 * (bench/lib/bulk-library.ts: 128-d synthetic faces, 20 per identity, one photo per face):
 *  1. full recluster of the library (runRecluster: components, the decision one component at a
 *     time, the writes, the grouping index);
 *  2. a recognise run that brings 100 new faces (runGrouping: incremental), twice: 5 new
 *     identities, then 100 new photos of 100 known identities (faces of existing persons);
 *  3. a recognise run with nothing new.
 * Each step runs in its own child process, so its time and peak RSS (resourceUsage().maxRSS,
 * the kernel's peak for the process, Node itself included) are its own. Settings: nearest-face
 * matching at 0.8, DBSCAN eps 0.2, minPts 2, no UMAP (bench/recluster-scale.ts's, fitted to
 * this data model; the decision is local only with nearest-face matching).
 *
 * With --again, a last full recluster shows the incremental runs left nothing for it to change (it
 * reuses the grouping index). With --decided, the library is generated already grouped and
 * indexed as a recluster would leave it (bulk-library.ts), for sizes where the first recluster
 * takes longer than this machine allows; the first step is then skipped. With --shuffle, the faces'
 * ids are in random order instead of one identity after another (imports by date, not by person).
 *
 *   npx tsx bench/grouping-scale.ts [--faces 100000] [--db /tmp/frs-scale.db] [--keep] [--again] [--decided] [--shuffle] [--out file.md]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSettings } from '../src/config/settings.js';
import { openRepository } from '../src/data/open-repository.js';
import { runGrouping, runRecluster, type GroupSummary } from '../src/pipeline/group-stage.js';
import { groupOptions, settingsKey } from '../src/pipeline/grouping-settings.js';
import { GROUPING_BENCH_SETTINGS, groupingBenchContext } from './lib/bench-context.js';
import { addBulkFaces, createBulkLibrary } from './lib/bulk-library.js';

const SETTINGS = { FRS_MATCH_MODE: 'nearest-face', ...GROUPING_BENCH_SETTINGS };

/**
 * SETTINGS as the pipeline takes them (every other setting at its default), for libraries
 * generated already grouped (--decided): the stored index must carry the key the pipeline computes,
 * or its first run regroups everything.
 */
const decidedSettings = loadSettings({ FRS_DATABASE: 'bench.db', ...SETTINGS });
const DECIDED = {
  options: groupOptions(decidedSettings),
  settingsKey: settingsKey(groupOptions(decidedSettings), decidedSettings.FRS_MIN_FACE_QUALITY),
};

interface StepResult {
  ms: number;
  /** CPU time of the process during the step (user + system). */
  cpuMs: number;
  peakRssMb: number;
  /** Highest RSS sampled (every 100 ms and at each progress report) while each phase ran. */
  phaseRssMb: Record<string, number>;
  /** Wall seconds from each phase's start to the next's (or the end). */
  phaseSeconds: Record<string, number>;
  /** The process's peak RSS so far (resourceUsage().maxRSS) when each phase ended: the phase that raised it is where the peak is. */
  peakByPhaseEndMb: Record<string, number>;
  summary: GroupSummary;
}

/** Child process: one grouping step on the library, result as JSON on stdout. */
async function step(db: string, kind: 'recluster' | 'recognise', mode: string): Promise<void> {
  const repo = await openRepository(db);
  const ctx = groupingBenchContext(repo, loadSettings({ FRS_DATABASE: db, ...SETTINGS, FRS_MATCH_MODE: mode }));
  const phaseRssMb: Record<string, number> = {};
  const phaseSeconds: Record<string, number> = {};
  const peakByPhaseEndMb: Record<string, number> = {};
  let phase = 'starting';
  let phaseStarted = performance.now();
  const endPhase = () => {
    const now = performance.now();
    phaseSeconds[phase] = Math.round(((phaseSeconds[phase] ?? 0) + (now - phaseStarted) / 1000) * 10) / 10;
    peakByPhaseEndMb[phase] = Math.round(process.resourceUsage().maxRSS / 1024);
    phaseStarted = now;
  };
  const sample = () => {
    const mb = Math.round(process.memoryUsage().rss / 2 ** 20);
    phaseRssMb[phase] = Math.max(phaseRssMb[phase] ?? 0, mb);
  };
  const onProgress = (name: string) => {
    sample();
    if (name !== phase) endPhase();
    phase = name;
    sample();
  };
  // The grouping is synchronous for long stretches: the timer samples between its awaits, the
  // progress reports at its phase changes.
  const sampler = setInterval(sample, 100);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const summary =
    kind === 'recluster' ? await runRecluster(ctx, { onProgress }) : await runGrouping(ctx, { onProgress });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  sample();
  endPhase();
  await repo.close();
  const result: StepResult = {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    phaseRssMb,
    phaseSeconds,
    peakByPhaseEndMb,
    summary,
  };
  process.stdout.write(JSON.stringify(result));
}

let matchMode = SETTINGS.FRS_MATCH_MODE;

function inChild(db: string, kind: 'recluster' | 'recognise'): StepResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--step', kind, '--db', db, '--mode', matchMode],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  return JSON.parse(out) as StepResult;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      faces: { type: 'string', default: '100000' },
      db: { type: 'string', default: '/tmp/frs-grouping-scale.db' },
      keep: { type: 'boolean', default: false },
      again: { type: 'boolean', default: false },
      decided: { type: 'boolean', default: false },
      shuffle: { type: 'boolean', default: false },
      out: { type: 'string' },
      step: { type: 'string' },
      mode: { type: 'string', default: SETTINGS.FRS_MATCH_MODE },
    },
  });
  const db = values.db!;
  matchMode = values.mode!;
  const faces = Number(values.faces);
  const identities = Math.round(faces / 20);
  if (values.step === 'generate') {
    await createBulkLibrary(
      db,
      values.decided ? { identities, decided: DECIDED } : { identities, grouped: false, shuffled: values.shuffle },
    );
    return;
  }
  if (values.step) return step(db, values.step as 'recluster' | 'recognise', matchMode);

  const load = loadavg()[0];
  const lines: string[] = [];
  const log = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  if (!values.keep || !existsSync(db)) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    const started = performance.now();
    // In a child too: a shuffled library is drawn whole in memory first, and a step's child process
    // reported the parent's RSS at its start as its own peak (Linux carries the high-water mark
    // over fork and exec): every recognise step showed the generator's 703 MB at 1M.
    const flags = [...(values.decided ? ['--decided'] : []), ...(values.shuffle ? ['--shuffle'] : [])];
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--step',
        'generate',
        '--db',
        db,
        '--faces',
        String(faces),
        ...flags,
      ],
      { stdio: 'inherit' },
    );
    const what = values.decided
      ? ', grouped and indexed as a recluster would'
      : values.shuffle
        ? ', ids in random order'
        : '';
    log(
      `generated ${faces.toLocaleString('en')} faces${what} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  if (!values.decided) {
    const recluster = inChild(db, 'recluster');
    log(row('full recluster (first: builds the grouping index)', recluster));
    console.log(`  RSS by phase (MB): ${JSON.stringify(recluster.phaseRssMb)}`);
    console.log(`  wall by phase (s): ${JSON.stringify(recluster.phaseSeconds)}`);
    console.log(`  peak RSS when each phase ended (MB): ${JSON.stringify(recluster.peakByPhaseEndMb)}`);
  }

  addBulkFaces(db, { identities: 5, firstIdentity: identities + 10_000 });
  const newIdentities = inChild(db, 'recognise');
  log(row('recognise: 100 new faces of 5 new identities', newIdentities));

  addBulkFaces(db, { identities: 100, facesPerIdentity: 1, firstIdentity: 17, photos: 1 });
  const knownIdentities = inChild(db, 'recognise');
  log(row('recognise: 100 new photos of 100 known identities', knownIdentities));

  const idle = inChild(db, 'recognise');
  log(row('recognise: nothing new', idle));

  if (values.again) {
    // The incremental runs left what a full regroup gives: a recluster changes nothing.
    const again = inChild(db, 'recluster');
    log(row('recluster again (reuses the grouping index)', again));
  }

  const header = `Match mode ${matchMode}. Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores (shared), 1-minute load ${load.toFixed(2)} at start, Node ${process.version}.`;
  console.log(header);
  if (values.out) writeFileSync(values.out, [header, ...lines].join('\n') + '\n');
  if (!values.keep) for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
}

function row(label: string, r: StepResult): string {
  const s = r.summary;
  return `| ${label} | ${(r.ms / 1000).toFixed(2)} s | ${(r.cpuMs / 1000).toFixed(2)} s | ${Math.round(r.peakRssMb)} MB | ${s.faces} faces decided (${s.newFaces} new), ${s.personsCreated} persons created, ${s.personsKept} kept, ${s.facesAssigned} assigned, ${s.facesMoved} moved, ${s.noise} noise${s.incremental ? ', incremental' : ''} |`;
}

await main();
