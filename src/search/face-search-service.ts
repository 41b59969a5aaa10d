/**
 * Find-similar and identify (Azure AI Face's FindSimilar and Identify) over the repository's
 * face search (`nearestFaces`): the faces most like one stored face, and the persons most like
 * each face of a new image, which is detected and embedded but never stored.
 */
import { FrsError } from '../errors.js';
import type { Repository } from '../data/repository.js';
import { decodeImage } from '../vision/decode.js';
import type { FaceAnalyzer } from '../vision/face-analyzer.js';

/** Bounds of `k` for find-similar: a page a person looks at, not a dump of the library. */
export const SIMILAR_K = { min: 1, max: 100, default: 10 } as const;
/** Bounds of the persons listed per face by identify. */
export const IDENTIFY_PERSONS = { min: 1, max: 20, default: 5 } as const;
/**
 * Faces read per detected face to rank persons by their nearest face: a person whose nearest face
 * is not among these is not listed (their similarity is then below every listed person's).
 */
const IDENTIFY_NEAREST_FACES = 100;

export interface SimilarFace {
  faceId: number;
  personId: number | null;
  similarity: number;
}

export interface SimilarResult {
  face: number;
  /** Most similar first; searched among the faces of the face's own embedding model. */
  similar: SimilarFace[];
}

export interface IdentifiedPerson {
  personId: number;
  name: string | null;
  /** Cosine similarity to the person's nearest face. */
  similarity: number;
  /** similarity >= FRS_MATCH_THRESHOLD: the pipeline would put this face into this person. */
  match: boolean;
}

export interface IdentifiedFace {
  /** [x1, y1, x2, y2] in pixels of the EXIF-rotated image. */
  box: [number, number, number, number];
  score: number;
  persons: IdentifiedPerson[];
}

export interface IdentifyResult {
  image: string;
  width: number;
  height: number;
  model: string;
  threshold: number;
  faces: IdentifiedFace[];
  ms: number;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export function checkBound(name: string, value: number, bounds: { min: number; max: number }): number {
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max)
    throw new FrsError('INVALID_INPUT', `${name} must be a whole number from ${bounds.min} to ${bounds.max}.`);
  return value;
}

export class FaceSearchService {
  constructor(
    private readonly repo: Repository,
    /** FRS_MATCH_THRESHOLD. */
    private readonly threshold: number,
  ) {}

  /** The k faces most similar to a stored face, most similar first, itself left out. */
  async similar(faceId: number, k: number = SIMILAR_K.default): Promise<SimilarResult> {
    checkBound('k', k, SIMILAR_K);
    const face = await this.repo.faceEmbedding(faceId);
    if (!face) throw new FrsError('NOT_FOUND', `Face ${faceId} does not exist.`);
    if (!face.embedding || !face.model)
      throw new FrsError(
        'INVALID_INPUT',
        `Face ${faceId} has no embedding yet (or only one from the replaced system): run frs recognize first.`,
      );
    const found = await this.repo.nearestFaces(face.model, face.embedding, k, { excludeFaceId: faceId });
    return {
      face: faceId,
      similar: found.map((f) => ({ faceId: f.faceId, personId: f.personId, similarity: round(f.similarity, 6) })),
    };
  }

  /** Each face of the image with the persons most like it (nearest-face rule); stores nothing. */
  async identify(
    analyzer: Pick<FaceAnalyzer, 'analyze' | 'embeddingModel'>,
    name: string,
    bytes: Uint8Array,
    options: { maxPixels: number; persons?: number },
  ): Promise<IdentifyResult> {
    const perFace = checkBound('persons', options.persons ?? IDENTIFY_PERSONS.default, IDENTIFY_PERSONS);
    const start = performance.now();
    const image = await decodeImage(bytes, { maxPixels: options.maxPixels });
    const detected = await analyzer.analyze(image, { embeddings: true });
    const model = analyzer.embeddingModel;
    const ranked = await Promise.all(
      detected.map((f) => (f.embedding ? this.bestPersons(model, f.embedding, perFace) : Promise.resolve([]))),
    );
    const names = await this.personNames(ranked.flat().map((p) => p.personId));
    return {
      image: name,
      width: image.width,
      height: image.height,
      model,
      threshold: this.threshold,
      faces: detected.map((f, i) => ({
        box: f.box.map((v) => round(v, 1)) as IdentifiedFace['box'],
        score: round(f.score, 4),
        persons: ranked[i].map((p) => ({ ...p, name: names.get(p.personId) ?? null })),
      })),
      ms: Math.round(performance.now() - start),
    };
  }

  /** Persons ranked by their face nearest to `embedding`. */
  private async bestPersons(
    model: string,
    embedding: Float32Array,
    count: number,
  ): Promise<Omit<IdentifiedPerson, 'name'>[]> {
    const nearest = await this.repo.nearestFaces(model, embedding, IDENTIFY_NEAREST_FACES);
    const best = new Map<number, number>();
    for (const f of nearest)
      // most similar first: the first face of a person is its nearest
      if (f.personId !== null && !best.has(f.personId)) best.set(f.personId, f.similarity);
    return [...best].slice(0, count).map(([personId, similarity]) => ({
      personId,
      similarity: round(similarity, 6),
      match: similarity >= this.threshold,
    }));
  }

  private async personNames(ids: number[]): Promise<Map<number, string | null>> {
    if (ids.length === 0) return new Map();
    const persons = await this.repo.personSummaries([...new Set(ids)]);
    return new Map(persons.map((p) => [p.id, p.name]));
  }
}
