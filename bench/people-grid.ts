/**
 * Time to first screen of the people app's grid on a big library: 10,000 persons and 100,000
 * faces (synthetic rows in SQLite; face counts per person skewed like a real archive, each
 * thumbnail one of 64 tiny generated JPEGs). `frs serve`'s server runs in this process;
 * Chromium (puppeteer-core) opens the app with its cache disabled and the clock stops when
 * every portrait of the first screen (the cards in the viewport) has loaded. One cold load,
 * then --runs warm ones (server and SQLite warm, browser cache off); the median is reported.
 *
 *   npx tsx bench/people-grid.ts [--persons 10000] [--faces 100000] [--runs 5] [--out bench/results/people-app.md]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { loadSettings } from '../src/config/settings.js';
import { openRepository } from '../src/data/open-repository.js';
import { silentLogger } from '../src/pipeline/context.js';
import { seededRandom } from '../src/clustering/random.js';
import { setServices, Services } from '../src/services.js';
import { startFrsServer } from '../src/server/frs-server.js';
import { buildWebApp, findChromium, launchChromium } from '../test/helpers/browser.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '10000' },
    faces: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    out: { type: 'string' },
    verbose: { type: 'boolean' },
  },
});
const persons = Number(values.persons);
const faceTotal = Number(values.faces);
const runs = Number(values.runs);
const THUMBS = 64;

/** Before the app starts: every image's load time, so the page can say when the first screen was complete. */
const RECORD_IMAGE_LOADS = `window.__loadedAt = new WeakMap();
document.addEventListener('load', (e) => { if (e.target instanceof HTMLImageElement) window.__loadedAt.set(e.target, performance.now()); }, true);`;

/** In the page: when the last portrait of the first screen loaded (ms after navigation start). */
const LAST_PORTRAIT_LOADED = `Math.max(...[...document.querySelectorAll('.person-card img.portrait')]
  .filter((img) => img.getBoundingClientRect().top < innerHeight)
  .map((img) => window.__loadedAt.get(img) ?? NaN))`;

/**
 * In the page: the number of portraits in the viewport once all of them have loaded, else false.
 * A portrait still waiting for its batch is a placeholder (.portrait.pending), not yet an image.
 */
const FIRST_SCREEN_LOADED = `(() => {
  const visible = [...document.querySelectorAll('.person-card .portrait')]
    .filter((el) => el.getBoundingClientRect().top < innerHeight);
  return visible.length > 0 && visible.every((el) => el.tagName === 'IMG' && el.complete && el.naturalWidth > 0) && visible.length;
})()`;

async function generateLibrary(dir: string): Promise<string> {
  const dbPath = join(dir, 'frs.db');
  await (await openRepository(dbPath)).close(); // the schema, by the real migrations
  const thumbDir = join(dir, 'thumbnails', 'faces', 'synthetic');
  mkdirSync(thumbDir, { recursive: true });
  for (let k = 0; k < THUMBS; k++) {
    const hue = Math.round((360 * k) / THUMBS);
    await sharp({ create: { width: 32, height: 32, channels: 3, background: `hsl(${hue}, 60%, 55%)` } })
      .jpeg({ quality: 70 })
      .toFile(join(thumbDir, `${k}.jpg`));
  }
  const db = new Database(dbPath);
  const random = seededRandom(1);
  // Zipf-like sizes: a few persons with hundreds of faces, most with a handful.
  const weights = Array.from({ length: persons }, (_, i) => 1 / Math.pow(i + 1, 0.8));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((w / sum) * (faceTotal - persons)) + 1));
  for (let i = 0, total = counts.reduce((a, b) => a + b, 0); total < faceTotal; i++, total++) counts[i % persons]++;
  const now = new Date().toISOString();
  db.transaction(() => {
    const file = db.prepare('INSERT INTO MediaFile (FilePath, FileName, CreatedAt) VALUES (?, ?, ?)');
    const item = db.prepare(
      "INSERT INTO MediaItems (MediaFileId, Name, IsFacesExtracted, FacesExtractedOn, Status) VALUES (?, ?, 1, ?, 'done')",
    );
    const person = db.prepare('INSERT INTO Persons (Name, CreatedAt) VALUES (?, ?)');
    const face = db.prepare(
      'INSERT INTO Faces (MediaItemId, PersonId, BoundingBox, ThumbnailPath, IsUserVerified, CreatedAt) VALUES (?, ?, ?, ?, 0, ?)',
    );
    const portrait = db.prepare('UPDATE Persons SET PortraitFaceId = ? WHERE Id = ?');
    const items = Math.ceil(faceTotal / 5);
    for (let i = 0; i < items; i++) {
      const fileId = Number(file.run(`/photos/${i}.jpg`, `${i}.jpg`, now).lastInsertRowid);
      item.run(fileId, `${i}.jpg`, now);
    }
    let made = 0;
    for (let p = 0; p < persons && made < faceTotal; p++) {
      const personId = Number(person.run(random() < 0.3 ? `Person ${p}` : null, now).lastInsertRowid);
      for (let f = 0; f < counts[p] && made < faceTotal; f++, made++) {
        const thumb = `faces/synthetic/${made % THUMBS}.jpg`;
        const faceId = Number(
          face.run(1 + Math.floor(random() * items), personId, '[10,10,60,60]', thumb, now).lastInsertRowid,
        );
        if (f === 0) portrait.run(faceId, personId);
      }
    }
  })();
  const n = db.prepare('SELECT (SELECT COUNT(*) FROM Persons) AS p, (SELECT COUNT(*) FROM Faces) AS f').get();
  db.close();
  console.log('library:', n);
  return dbPath;
}

async function main(): Promise<void> {
  const chromium = findChromium();
  if (!chromium) throw new Error('No Chromium (install the chromium package or set FRS_TEST_CHROMIUM).');
  buildWebApp();
  const dir = mkdtempSync(join(tmpdir(), 'frs-bench-grid-'));
  try {
    const started = Date.now();
    const dbPath = await generateLibrary(dir);
    const generateMs = Date.now() - started;
    const services = new Services(
      loadSettings({ FRS_DATABASE: dbPath, FRS_THUMBNAILS_DIR: join(dir, 'thumbnails') }),
      silentLogger,
    );
    setServices(services);
    const { server, url } = await startFrsServer({ port: 0, host: '127.0.0.1' });
    const browser = await launchChromium(chromium);
    const times: number[] = [];
    /** In the page: when the first screen's last portrait fired its load event (ms after navigation start). */
    const inPage: number[] = [];
    const breakdown: Array<{ list: [number, number] | null; thumbsEnd: number; thumbs: number }> = [];
    let cards = 0;
    let personLine = '';
    try {
      for (let run = 0; run <= runs; run++) {
        const page = await browser.newPage();
        await page.setCacheEnabled(false);
        await page.setViewport({ width: 1280, height: 800 });
        await page.evaluateOnNewDocument(RECORD_IMAGE_LOADS);
        const t0 = Date.now();
        await page.goto(url);
        cards = await page
          .waitForFunction(FIRST_SCREEN_LOADED, { polling: 'raf', timeout: 30_000 })
          .then((h) => h.jsonValue() as Promise<number>);
        times.push(Date.now() - t0);
        inPage.push(Number(await page.evaluate(LAST_PORTRAIT_LOADED)));
        const timing = JSON.parse(
          (await page.evaluate(`JSON.stringify((() => {
            const entries = performance.getEntriesByType('resource');
            const list = entries.find((e) => e.name.includes('/api/persons?'));
            const thumbs = entries.filter((e) => e.name.includes('/thumbnail'));
            return { list: list ? [list.startTime, list.duration] : null, thumbsEnd: Math.max(...thumbs.map((e) => e.responseEnd)), thumbs: thumbs.length, now: Math.round(performance.now()), requests: thumbs.map((e) => [Math.round(e.startTime), Math.round(e.responseStart - e.startTime), Math.round(e.responseEnd - e.responseStart)]) };
          })())`)) as string,
        ) as { list: [number, number] | null; thumbsEnd: number; thumbs: number };
        breakdown.push(timing);
        if (values.verbose) console.log(run, Date.now() - t0, JSON.stringify(timing));
        await page.close();
      }
      personLine = await largestPerson(browser, url, values.verbose);
    } finally {
      await browser.close();
      server.closeAllConnections();
      server.close();
      setServices(undefined);
      await services.close();
    }
    const [cold, ...warm] = times;
    const sorted = [...warm].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const warmBreakdown = breakdown.slice(1);
    const detail = `warm medians in the page: persons list requested at ${Math.round(med(warmBreakdown.map((b) => b.list?.[0] ?? NaN)))} ms, answered in ${Math.round(med(warmBreakdown.map((b) => b.list?.[1] ?? NaN)))} ms; ${warmBreakdown[0]?.thumbs ?? 0} thumbnail request(s) all in by ${Math.round(med(warmBreakdown.map((b) => b.thumbsEnd)))} ms`;
    const line = `persons ${persons}, faces ${faceTotal}: first screen (${cards} portraits) cold ${cold} ms, warm median ${median} ms (runs ${warm.join(', ')} ms); library generated in ${generateMs} ms`;
    const [coldInPage, ...warmInPage] = inPage.map(Math.round);
    const inPageLine = `in the page (the first screen's last portrait loaded, after navigation start): cold ${coldInPage} ms, warm median ${med(warmInPage)} ms (runs ${warmInPage.join(', ')} ms)`;
    console.log(line);
    console.log(inPageLine);
    console.log(detail);
    console.log(personLine);
    if (values.out)
      writeFileSync(
        values.out,
        `# People app: time to first screen\n\n\`npx tsx bench/people-grid.ts${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}\`\n\n${line}\n\n${inPageLine}\n\n${detail}\n\n${personLine}\n\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}; Chromium ${await chromiumVersion(chromium)}, headless.\n`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** In the page: the number of face tiles in the viewport once their images have loaded, else false. */
const FACES_LOADED = `(() => {
  const visible = [...document.querySelectorAll('.face-tile button > :first-child')]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; });
  return visible.length > 0 && visible.every((el) => el.tagName === 'IMG' && el.complete && el.naturalWidth > 0) && visible.length;
})()`;

/**
 * The largest person's page (thousands of faces): time to its first screen of faces, then how
 * long each further page takes to appear after scrolling to the end of the list (3 times).
 */
async function largestPerson(
  browser: Awaited<ReturnType<typeof launchChromium>>,
  url: string,
  verbose = false,
): Promise<string> {
  const page = await browser.newPage();
  await page.setCacheEnabled(false);
  await page.setViewport({ width: 1280, height: 800 });
  const t0 = Date.now();
  await page.goto(`${url}#/persons/1`);
  await page.waitForFunction(FACES_LOADED, { polling: 'raf', timeout: 30_000 });
  const first = Date.now() - t0;
  const total = await page.$eval('.person-fields .muted', (e) => e.textContent ?? '');
  const more: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = await page.$$eval('.face-tile', (tiles) => tiles.length);
    const t = Date.now();
    await page.evaluate(`document.querySelector('.face-grid').lastElementChild.scrollIntoView({ block: 'end' })`);
    await page.waitForFunction(`document.querySelectorAll('.face-tile').length > ${before}`, { timeout: 30_000 });
    await page.waitForFunction(FACES_LOADED, { polling: 'raf', timeout: 30_000 });
    more.push(Date.now() - t);
  }
  const tiles = await page.$$eval('.face-tile', (list) => list.length);
  if (verbose)
    console.log(
      await page.evaluate(
        `JSON.stringify(performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).map((e) => [e.name.replace(/^.*\\/api\\//, '').slice(0, 40), Math.round(e.startTime), Math.round(e.duration)]))`,
      ),
    );
  await page.close();
  return `largest person (${total.trim()}): first screen of faces ${first} ms; scrolled to the last face 3 times, the next faces were shown in ${more.join(', ')} ms (${tiles} tiles in the page then)`;
}

async function chromiumVersion(path: string): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  return execFileSync(path, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
}

await main();
