/**
 * Matching new faces to existing persons. Each face goes to the person it is most similar
 * to, measured either to the person's nearest face or to the person's centroid, and joins
 * only when that similarity reaches the threshold. The rest are left over for clustering.
 */
import { FrsError } from '../errors.js';
import { ConeTree } from './cone-tree.js';
import { centroid, type Embedding } from './cosine.js';

/**
 * 'nearest-face' (default) joins a face to a person when it is close enough to any one of
 * that person's faces: the same rule DBSCAN applies between faces, so a face gets the same
 * person whether it arrived before or after the others. 'centroid' compares with the
 * person's mean direction, which one mislabelled face cannot drag around.
 */
export type MatchMode = 'nearest-face' | 'centroid';

export interface KnownFace<P> {
  personId: P;
  embedding: Embedding;
}

export interface FaceToMatch<F> {
  id: F;
  embedding: Embedding;
}

export interface AssignOptions<T = never, P = never> {
  /** Cosine similarity at or above which a face joins a person (FRS_MATCH_THRESHOLD). */
  threshold: number;
  mode?: MatchMode;
  /**
   * False for a pair the user ruled out (a cannot-link: the face was taken out of the person).
   * The face then goes to its best allowed person, or is left over.
   */
  allowed?: (face: T, personId: P) => boolean;
}

export interface Assignment<F, P> {
  faceId: F;
  personId: P;
  similarity: number;
}

export interface AssignResult<F, P, T> {
  assignments: Assignment<F, P>[];
  /** Faces no person reached the threshold for, in input order. */
  leftovers: T[];
}

/** Pads the range query so that no similarity exactly at the threshold is lost to rounding. */
const QUERY_SLACK = 1e-9;

export function assignToPersons<F, P, T extends FaceToMatch<F>>(
  known: readonly KnownFace<P>[],
  faces: readonly T[],
  options: AssignOptions<T, P>,
): AssignResult<F, P, T> {
  const { threshold, mode = 'nearest-face', allowed } = options;
  if (!(threshold >= -1 && threshold <= 1))
    throw new FrsError('INVALID_INPUT', `Match threshold must be within -1..1 (got ${threshold}).`);
  if (mode !== 'nearest-face' && mode !== 'centroid')
    throw new FrsError('INVALID_INPUT', `Unknown match mode "${String(mode)}".`);
  if (known.length === 0 || faces.length === 0) return { assignments: [], leftovers: [...faces] };

  // Persons numbered in order of first appearance; ties go to the lower number.
  const personIndex = new Map<P, number>();
  const persons: P[] = [];
  const facesOf: Embedding[][] = [];
  for (const face of known) {
    let index = personIndex.get(face.personId);
    if (index === undefined) {
      index = persons.length;
      personIndex.set(face.personId, index);
      persons.push(face.personId);
      facesOf.push([]);
    }
    facesOf[index].push(face.embedding);
  }
  const references =
    mode === 'centroid' ? facesOf.map((embeddings) => centroid(embeddings)) : known.map((face) => face.embedding);
  const ownerOf = mode === 'centroid' ? (r: number) => r : (r: number) => personIndex.get(known[r].personId)!;
  // One dual-tree walk answers every face's range query at once.
  const bestOwner = new Int32Array(faces.length).fill(-1);
  const bestSimilarity = new Float64Array(faces.length).fill(-Infinity);
  const faceTree = ConeTree.build(faces.map((f) => f.embedding));
  const referenceTree = ConeTree.build(references);
  try {
    referenceTree.forEachPairAcross(faceTree, 1 - threshold + QUERY_SLACK, (r, f, similarity) => {
      if (similarity < threshold) return;
      const owner = ownerOf(r);
      if (allowed && !allowed(faces[f], persons[owner])) return;
      // Highest similarity; exact ties go to the person seen first, whatever the walk order.
      if (similarity > bestSimilarity[f] || (similarity === bestSimilarity[f] && owner < bestOwner[f])) {
        bestOwner[f] = owner;
        bestSimilarity[f] = similarity;
      }
    });
  } finally {
    referenceTree.dispose();
    faceTree.dispose();
  }

  const assignments: Assignment<F, P>[] = [];
  const leftovers: T[] = [];
  faces.forEach((face, f) => {
    if (bestOwner[f] >= 0)
      assignments.push({ faceId: face.id, personId: persons[bestOwner[f]], similarity: bestSimilarity[f] });
    else leftovers.push(face);
  });
  return { assignments, leftovers };
}
