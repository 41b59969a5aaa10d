/**
 * Find-similar, listings and the register walk at archive scale, on a synthetic SQLite library
 * (bench/lib/bulk-library.ts: 128-d embeddings, 20 faces per identity, grouped into one person
 * per identity, as after a run).
 *
 *  - find-similar k = 10 (FaceSearchService.similar: the face's embedding read, HNSW candidates,
 *    exact re-ranking from Faces): the first search (index built from Faces, then saved), the first
 *    search of a new connection (index loaded from its file), then the median/p95 of warm searches;
 *  - recall@10 of those searches against an exact scan over every embedding in memory;
 *  - with --vec0: sqlite-vec 0.1.9 brute force over the same embeddings (float32 and bit), for comparison;
 *  - one page of persons (50, largest first) and one person's page of faces (50), first and deep pages;
 *  - with --walk N: registering a folder of N files already known (same path, size, mtime).
 *
 * One thread for the searches (usearch search threads = 1; the build uses every core).
 *
 *   nice -n 10 npx tsx bench/similar.ts --faces 100000 [--library /tmp/lib.db] [--queries 200]
 *     [--recall 100] [--vec0] [--walk 10000] [--rebuild] [--only similar|listing]
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { dotF32 } from '../src/clustering/cosine.js';
import { seededRandom } from '../src/clustering/random.js';
import { decodeEmbedding } from '../src/data/embedding-codec.js';
import { openRepository } from '../src/data/open-repository.js';
import type { Repository } from '../src/data/repository.js';
import { faceIndexFolder } from '../src/data/sqlite/sqlite-face-log.js';
import { silentLogger } from '../src/pipeline/context.js';
import { registerFolder } from '../src/pipeline/register-stage.js';
import { FaceSearchService } from '../src/search/face-search-service.js';
import { BULK_MODEL, createBulkLibrary } from './lib/bulk-library.js';

const { values } = parseArgs({
  options: {
    faces: { type: 'string', default: '100000' },
    library: { type: 'string' },
    queries: { type: 'string', default: '200' },
    recall: { type: 'string', default: '100' },
    vec0: { type: 'boolean', default: false },
    walk: { type: 'string', default: '0' },
    rebuild: { type: 'boolean', default: false },
    /** 'similar' or 'listing': that part only (the register walk runs with --walk either way). */
    only: { type: 'string' },
  },
});
const faces = Number(values.faces);
const library = values.library ?? join(tmpdir(), `frs-bench-similar-${faces}.db`);
const K = 10;

const ms = (t0: number) => performance.now() - t0;
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `median ${fmt(at(0.5))} ms, p95 ${fmt(at(0.95))} ms, max ${fmt(s[s.length - 1])} ms (${s.length} runs)`;
}
const line = (text: string) => console.log(text);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  return [result, ms(t0)];
}

async function main() {
  line(`# bench/similar.ts --faces ${faces}`);
  line(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (!existsSync(library)) {
    const t0 = performance.now();
    await createBulkLibrary(library, { identities: Math.round(faces / 20), grouped: true });
    line(`library written: ${library} in ${(ms(t0) / 1000).toFixed(0)} s`);
  }
  if (values.rebuild) rmSync(faceIndexFolder(library), { recursive: true, force: true });

  let repo: Repository = await openRepository(library);
  if (values.only !== 'listing') repo = await similarPart(repo);
  if (values.only !== 'similar') await listingPart(repo);
  await repo.close();
  if (Number(values.walk) > 0) await registerWalk(Number(values.walk));
}

async function similarPart(opened: Repository): Promise<Repository> {
  let repo = opened;
  const ids = new Database(library, { readonly: true })
    .prepare('SELECT Id FROM Faces ORDER BY Id')
    .pluck()
    .all() as number[];
  line(`library: ${ids.length} faces, ${(await repo.stats()).persons} persons`);
  const random = seededRandom(11);
  const pick = () => ids[Math.floor(random() * ids.length)];

  // 1. first search: the index is built (or loaded when a file exists), then the first query.
  let search = new FaceSearchService(repo, 0.95);
  const [, first] = await timed(() => search.similar(pick(), K));
  const folder = faceIndexFolder(library);
  const files = existsSync(folder) ? readdirSync(folder) : [];
  const bytes = files.reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);
  line(
    `first search (index ${values.rebuild ? 'built from Faces and saved' : 'built or loaded'}): ${fmt(first)} ms; RSS ${rssMb()} MB; index file ${(bytes / 2 ** 20).toFixed(0)} MB`,
  );

  // 2. a new connection loads the saved index.
  await repo.close();
  repo = await openRepository(library);
  search = new FaceSearchService(repo, 0.95);
  const [, loaded] = await timed(() => search.similar(pick(), K));
  line(`first search of a new connection (index loaded from its file): ${fmt(loaded)} ms; RSS ${rssMb()} MB`);

  // 3. warm searches.
  const queries = Array.from({ length: Number(values.queries) }, pick);
  const times: number[] = [];
  const results = new Map<number, number[]>();
  for (const id of queries) {
    const [r, t] = await timed(() => search.similar(id, K));
    times.push(t);
    results.set(
      id,
      r.similar.map((f) => f.faceId),
    );
  }
  line(`find-similar k=${K}: ${stats(times)}`);

  // 4. recall against an exact scan over every embedding.
  const recallQueries = queries.slice(0, Number(values.recall));
  if (recallQueries.length > 0) {
    const db = new Database(library, { readonly: true });
    const dim = 128;
    const all = new Float32Array(ids.length * dim);
    const faceIds = new Int32Array(ids.length);
    let n = 0;
    for (const row of db
      .prepare('SELECT Id, Embedding FROM Faces WHERE EmbeddingModel = ? AND COALESCE(IsRejected, 0) = 0 ORDER BY Id')
      .iterate(BULK_MODEL) as Iterable<{ Id: number; Embedding: Buffer }>) {
      all.set(decodeEmbedding(row.Embedding), n * dim);
      faceIds[n++] = row.Id;
    }
    db.close();
    let hits = 0;
    let exactMs = 0;
    for (const id of recallQueries) {
      const qi = faceIds.indexOf(id);
      const t0 = performance.now();
      const best: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) {
        if (i === qi) continue;
        const s = dotF32(all, qi * dim, all, i * dim, dim);
        if (best.length < K || s > best[best.length - 1][0]) {
          best.push([s, faceIds[i]]);
          best.sort((a, b) => b[0] - a[0]);
          if (best.length > K) best.pop();
        }
      }
      exactMs += ms(t0);
      const found = new Set(results.get(id));
      hits += best.filter(([, f]) => found.has(f)).length;
    }
    line(
      `recall@${K} against an exact scan: ${(hits / (recallQueries.length * K)).toFixed(4)} (${recallQueries.length} queries); ` +
        `the exact scan in JS took ${fmt(exactMs / recallQueries.length)} ms per query`,
    );
    if (values.vec0)
      await compareVec0(
        all.subarray(0, n * dim),
        n,
        recallQueries.map((id) => faceIds.indexOf(id)),
      );
  }

  return repo;
}

async function listingPart(repo: Repository) {
  const random = seededRandom(12);
  // 5. listings: one page of persons, one person's page of faces.
  const total = (await repo.searchPersons({ offset: 0, limit: 1 })).total;
  const personIds = new Database(library, { readonly: true })
    .prepare('SELECT Id FROM Persons ORDER BY Id')
    .pluck()
    .all() as number[];
  const firstPage: number[] = [];
  const deepPage: number[] = [];
  const facesPage: number[] = [];
  for (let i = 0; i < 20; i++) {
    firstPage.push((await timed(() => repo.searchPersons({ offset: 0, limit: 50 })))[1]);
    deepPage.push((await timed(() => repo.searchPersons({ offset: Math.floor(total / 2), limit: 50 })))[1]);
    const person = personIds[Math.floor(random() * personIds.length)];
    facesPage.push((await timed(() => repo.personFaces(person, { offset: 0, limit: 50 })))[1]);
  }
  line(`persons, first page of 50 (largest first, with the total): ${stats(firstPage)}`);
  line(`persons, a page of 50 in the middle (offset ${Math.floor(total / 2)}): ${stats(deepPage)}`);
  line(`one person's page of 50 faces: ${stats(facesPage)}`);
}

/** sqlite-vec's vec0 brute force over the same vectors: float32 and bit (1 bit per dimension). */
async function compareVec0(all: Float32Array, n: number, queryRows: number[]) {
  const sqliteVec = await import('sqlite-vec');
  const db = new Database(':memory:');
  sqliteVec.load(db);
  db.exec('CREATE VIRTUAL TABLE vf USING vec0(embedding float[128] distance_metric=cosine)');
  db.exec('CREATE VIRTUAL TABLE vb USING vec0(embedding bit[128])');
  const insF = db.prepare('INSERT INTO vf(rowid, embedding) VALUES (?, ?)');
  const insB = db.prepare('INSERT INTO vb(rowid, embedding) VALUES (?, vec_quantize_binary(?))');
  const t0 = performance.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const v = Buffer.from(all.buffer, all.byteOffset + i * 512, 512);
      insF.run(BigInt(i + 1), v);
      insB.run(BigInt(i + 1), v);
    }
  })();
  line(
    `sqlite-vec ${String(db.prepare('SELECT vec_version()').pluck().get())}: ${n} vectors loaded in ${(ms(t0) / 1000).toFixed(0)} s`,
  );
  for (const [name, text] of [
    ['float32 brute force, k=10', 'SELECT rowid FROM vf WHERE embedding MATCH ? AND k = 10'],
    [
      'bit brute force (hamming), k=100 candidates',
      'SELECT rowid FROM vb WHERE embedding MATCH vec_quantize_binary(?) AND k = 100',
    ],
  ] as const) {
    const statement = db.prepare(text);
    const times = queryRows.slice(0, 30).map((row) => {
      const q = Buffer.from(all.buffer, all.byteOffset + row * 512, 512);
      const s = performance.now();
      statement.all(q);
      return ms(s);
    });
    line(`sqlite-vec vec0 ${name}: ${stats(times)}`);
  }
  db.close();
}

/** Registering a folder of files FRS already knows: a directory walk and one lookup per file. */
async function registerWalk(count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'frs-bench-walk-'));
  try {
    const photos = join(dir, 'photos');
    for (let i = 0; i < count; i++) {
      const sub = join(photos, String(Math.floor(i / 1000)));
      if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `p${i}.jpg`), `not really a jpeg ${i}`);
    }
    const repo = await openRepository(join(dir, 'frs.db'));
    const [firstPass, firstMs] = await timed(() => registerFolder(repo, photos, silentLogger));
    const [again, againMs] = await timed(() => registerFolder(repo, photos, silentLogger));
    line(
      `register walk over ${count} files: first pass ${(firstMs / 1000).toFixed(1)} s (${firstPass.registered} registered, read and hashed); ` +
        `again ${(againMs / 1000).toFixed(2)} s (${again.alreadyKnown} already known, none read): ${fmt(againMs / count)} ms per file`,
    );
    await repo.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
