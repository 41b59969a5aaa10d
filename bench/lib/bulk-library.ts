/**
 * Synthetic SQLite libraries at archive scale (100k-1M faces) for the scale benchmarks, written
 * in bulk: one photo (MediaFile + MediaItems row, status done) per face, faces with 128-d
 * embeddings drawn like test/clustering/synthetic.ts and bench/recluster-scale.ts (identity
 * direction + Gaussian noise per identity, face-to-identity cosine 0.90-0.95, 3% of faces with
 * twice the noise). Going through the repository would take hours at 1M faces (one statement
 * per face in its own transaction); here it is prepared statements in large transactions, and
 * the embeddings are generated one identity at a time so memory stays flat.
 *
 * The schema comes from openRepository (all migrations), so the file is a real FRS library:
 * `frs` commands and the pipeline open it as they would any other.
 *
 *   const lib = await createBulkLibrary('/tmp/lib.db', { identities: 5000 });        // 100k faces
 *   await addBulkFaces(lib.path, { identities: 5, firstIdentity: 5000, grouped: false }); // 100 new
 */
import Database from 'better-sqlite3';
import { normalise } from '../../src/clustering/cosine.js';
import { gaussian, seededRandom } from '../../src/clustering/random.js';
import { openRepository } from '../../src/data/open-repository.js';
import { encodeEmbedding } from '../../src/data/embedding-codec.js';
import { facesByComponent } from '../../src/clustering/components.js';
import { groupFaces, type GroupOptions } from '../../src/clustering/group.js';
import { interactionRadius } from '../../src/clustering/interaction-radius.js';
import { choosePortrait } from '../../src/clustering/portrait.js';

export interface BulkOptions {
  /** Identities (people); each gets `facesPerIdentity` faces. */
  identities: number;
  facesPerIdentity?: number;
  dim?: number;
  /** Faces.EmbeddingModel: the pipeline groups only faces of its embedder's model. */
  model?: string;
  /**
   * true: faces already belong to one person per identity and count as grouped (GroupedAt set),
   * as after a run; false: unassigned and new to grouping, as right after detection and embedding.
   */
  grouped?: boolean;
  /** Identity numbering starts here; the embedding of identity k is the same in every call. */
  firstIdentity?: number;
  /** > 0: other photos of the same identities (new faces of known persons), one set per value. */
  photos?: number;
  /**
   * Group the faces as a full recluster with these options would, and store the grouping index
   * (incremental runs can start at once), without the library-wide pair search: identities are
   * random directions in 128-d, so faces of two identities are about 10 standard deviations
   * further apart than any interaction radius, and each identity's decision is its own
   * (interaction-radius.ts). Persons follow groupFaces per identity, components componentLabels.
   * Overrides `grouped`. bench/grouping-scale.ts checks the result against a real recluster.
   */
  decided?: { options: GroupOptions; settingsKey: string };
  seed?: number;
  /**
   * Write the faces in a random order across identities instead of one identity after another:
   * a library whose ids say nothing about who is in the photo (imports by date, not by person).
   * Only for new, ungrouped faces; holds all the embeddings while writing.
   */
  shuffled?: boolean;
  /** Rows per transaction. */
  chunk?: number;
  /** Called after each chunk with faces written so far. */
  progress?: (written: number, total: number) => void;
}

export interface BulkLibrary {
  path: string;
  faces: number;
  persons: number;
  /** Identity of each face, by face id (faces written by this call only). */
  labels: Map<number, number>;
}

/** Model id the bulk faces carry unless told otherwise. */
export const BULK_MODEL = 'bulk-synthetic-128';

/** sigma giving a face-to-identity cosine of c in d dimensions: c = 1 / sqrt(1 + d sigma^2). */
const sigmaFor = (cos: number, dim: number) => Math.sqrt((1 / (cos * cos) - 1) / dim);

/**
 * The faces of one identity: a function of (seed, identity) alone, so batches can be added later.
 * `photos` > 0 draws other faces of the same identity (new photos of a known person).
 */
export function identityFaces(identity: number, count: number, dim: number, seed: number, photos = 0): Float32Array[] {
  const random = seededRandom(seed * 1_000_003 + identity + 1);
  const normal = gaussian(random);
  const raw = new Float32Array(dim);
  for (let k = 0; k < dim; k++) raw[k] = normal();
  const centre = normalise(raw);
  const sigma = sigmaFor(0.9 + 0.05 * random(), dim);
  if (photos > 0) {
    // Same centre and spread, another noise stream.
    const other = seededRandom((seed * 1_000_003 + identity + 1) ^ (photos * 0x9e3779b1));
    return drawFaces(centre, sigma, count, gaussian(other), other);
  }
  return drawFaces(centre, sigma, count, normal, random);
}

function drawFaces(
  centre: Float32Array,
  sigma: number,
  count: number,
  normal: () => number,
  random: () => number,
): Float32Array[] {
  const dim = centre.length;
  const faces: Float32Array[] = [];
  for (let f = 0; f < count; f++) {
    const s = random() < 0.03 ? sigma * 2 : sigma;
    const v = new Float32Array(dim);
    for (let k = 0; k < dim; k++) v[k] = centre[k] + s * normal();
    faces.push(normalise(v));
  }
  return faces;
}

/** Creates (migrates) a new library file and fills it. */
export async function createBulkLibrary(path: string, options: BulkOptions): Promise<BulkLibrary> {
  const repo = await openRepository(path);
  await repo.close();
  return addBulkFaces(path, options);
}

/** Adds identities' faces to an existing library file. */
export function addBulkFaces(path: string, options: BulkOptions): BulkLibrary {
  const perIdentity = options.facesPerIdentity ?? 20;
  const dim = options.dim ?? 128;
  const model = options.model ?? BULK_MODEL;
  const grouped = (options.grouped ?? false) && !options.decided;
  const decided = options.decided;
  const radius = decided ? interactionRadius(decided.options) : null;
  if (decided && radius === null)
    throw new Error('bulk-library: decided libraries need nearest-face matching, no UMAP');
  const first = options.firstIdentity ?? 0;
  const seed = options.seed ?? 2024;
  const chunk = options.chunk ?? 20_000;
  const total = options.identities * perIdentity;

  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = new Date().toISOString();
  const insertFile = db.prepare(
    `INSERT INTO MediaFile (FilePath, FileName, Extensions, CreatedAt, ModifiedAt, ContentHash, FileSize, FileModifiedMs)
     VALUES (?, ?, '.jpg', ?, ?, ?, 1000, 0)`,
  );
  const insertItem = db.prepare(
    `INSERT INTO MediaItems (MediaFileId, Name, IsFacesExtracted, FacesExtractedOn, Status, Attempts)
     VALUES (?, ?, 1, ?, 'done', 1)`,
  );
  const insertPerson = db.prepare(
    'INSERT INTO Persons (Name, GeneratedName, CreatedAt, ModifiedAt) VALUES (NULL, NULL, ?, ?)',
  );
  const namePerson = db.prepare('UPDATE Persons SET Name = ?, GeneratedName = ? WHERE Id = ?');
  const insertFace = db.prepare(
    `INSERT INTO Faces (MediaItemId, PersonId, BoundingBox, Embedding, EmbeddingModel, DetectorScore, Sharpness,
       IsUserVerified, GroupedAt, CreatedAt, ModifiedAt)
     VALUES (?, ?, '{"x":10,"y":10,"width":80,"height":80}', ?, ?, 0.99, 100, 0, ?, ?, ?)`,
  );
  const portrait = db.prepare('UPDATE Persons SET PortraitFaceId = ?, PortraitMediaFileId = ? WHERE Id = ?');
  const assign = db.prepare('UPDATE Faces SET PersonId = ? WHERE Id = ?');
  const insertComponent = db.prepare(
    'INSERT INTO FrsGroupingComponents (Id, Model, Centroid, Angle, Size) VALUES (?, ?, ?, ?, ?)',
  );
  const insertMember = db.prepare('INSERT INTO FrsGroupingMembers (FaceId, ComponentId) VALUES (?, ?)');
  let nextComponent = (
    db.prepare('SELECT COALESCE(MAX(Id), 0) + 1 AS N FROM FrsGroupingComponents').get() as { N: number }
  ).N;

  /** One identity's faces grouped as a recluster would: persons, portraits, components. */
  const decide = (faces: { id: number; fileId: number; embedding: Float32Array }[]) => {
    const decision = groupFaces([], faces, decided!.options);
    const byId = new Map(faces.map((f) => [f.id, f]));
    for (const cluster of decision.newClusters) {
      const personId = Number(insertPerson.run(now, now).lastInsertRowid);
      namePerson.run(`Unknown-${personId}`, `Unknown-${personId}`, personId);
      persons++;
      const members = cluster.map((id) => byId.get(id)!);
      for (const f of members) assign.run(personId, f.id);
      const chosen = choosePortrait(members.map((f) => ({ ...f, sharpness: 100, score: 0.99 })));
      portrait.run(chosen.id, chosen.fileId, personId);
    }
    for (const component of facesByComponent(faces, radius!)) {
      const id = nextComponent++;
      insertComponent.run(id, model, encodeEmbedding(component.centroid), component.angle, component.faceIds.length);
      for (const faceId of component.faceIds) insertMember.run(faceId, id);
    }
  };

  const labels = new Map<number, number>();
  let count = 0;
  let persons = 0;
  /** One photo (file and item) with its face; returns the ids. */
  const writeFace = (identity: number, f: number, embedding: Float32Array, personId: number | null) => {
    const name = `id${identity}_${options.photos ?? 0}_${f}.jpg`;
    const fileId = Number(
      insertFile.run(`/bulk/${name}`, name, now, now, `h${identity}_${options.photos ?? 0}_${f}`).lastInsertRowid,
    );
    const itemId = Number(insertItem.run(fileId, name, now).lastInsertRowid);
    const groupedAt = grouped || decided ? now : null;
    const faceId = Number(
      insertFace.run(itemId, personId, encodeEmbedding(embedding), model, groupedAt, now, now).lastInsertRowid,
    );
    labels.set(faceId, identity);
    count++;
    return { faceId, fileId };
  };
  const writeIdentities = db.transaction((from: number, to: number) => {
    for (let identity = from; identity < to; identity++) {
      let personId: number | null = null;
      const written: { id: number; fileId: number; embedding: Float32Array }[] = [];
      if (grouped) {
        personId = Number(insertPerson.run(now, now).lastInsertRowid);
        namePerson.run(`Unknown-${personId}`, `Unknown-${personId}`, personId);
        persons++;
      }
      identityFaces(identity, perIdentity, dim, seed, options.photos ?? 0).forEach((embedding, f) => {
        const { faceId, fileId } = writeFace(identity, f, embedding, personId);
        if (personId !== null && f === 0) portrait.run(faceId, fileId, personId);
        written.push({ id: faceId, fileId, embedding });
      });
      if (decided) decide(written);
    }
  });
  // Shuffled: every face drawn first (identity by identity, as always), then written in a seeded
  // random order, a chunk per transaction.
  const writeShuffled = db.transaction((faces: { identity: number; f: number; embedding: Float32Array }[]) => {
    for (const { identity, f, embedding } of faces) writeFace(identity, f, embedding, null);
  });
  if (options.shuffled) {
    if (grouped || decided) throw new Error('bulk-library: shuffled libraries are new, ungrouped faces only');
    const faces: { identity: number; f: number; embedding: Float32Array }[] = [];
    for (let identity = first; identity < first + options.identities; identity++)
      identityFaces(identity, perIdentity, dim, seed, options.photos ?? 0).forEach((embedding, f) =>
        faces.push({ identity, f, embedding }),
      );
    const random = seededRandom(seed ^ 0x5f0ff1e);
    for (let k = faces.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [faces[k], faces[j]] = [faces[j], faces[k]];
    }
    for (let at = 0; at < faces.length; at += chunk) {
      writeShuffled(faces.slice(at, at + chunk));
      options.progress?.(count, total);
    }
  } else {
    const identitiesPerChunk = Math.max(1, Math.floor(chunk / perIdentity));
    for (let at = first; at < first + options.identities; at += identitiesPerChunk) {
      writeIdentities(at, Math.min(first + options.identities, at + identitiesPerChunk));
      options.progress?.(count, total);
    }
  }
  if (decided) {
    db.prepare(
      `INSERT INTO FrsGroupingIndex (Model, Radius, Settings, BuiltAt) VALUES (?, ?, ?, ?)
      ON CONFLICT (Model) DO UPDATE SET Radius = excluded.Radius, Settings = excluded.Settings, BuiltAt = excluded.BuiltAt`,
    ).run(model, radius, decided.settingsKey, now);
  }
  db.close();
  return { path, faces: count, persons, labels };
}
