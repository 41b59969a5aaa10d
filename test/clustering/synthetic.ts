/**
 * Synthetic face-like embeddings: identities are random directions on the unit sphere and
 * each face is its identity's direction plus Gaussian noise, renormalised. With noise
 * sigma per coordinate in d dimensions, a face's expected cosine to its identity is about
 * 1 / sqrt(1 + d * sigma^2), and two faces of one identity about 1 / (1 + d * sigma^2).
 */
import { normalise, type Embedding } from '../../src/clustering/cosine.js';
import { gaussian, seededRandom } from '../../src/clustering/random.js';

export interface SyntheticOptions {
  identities: number;
  facesPerIdentity: number;
  dim: number;
  /** Per-coordinate noise of each face, or a function giving it per identity. */
  sigma: number | ((identity: number, random: () => number) => number);
  /** Share of faces drawn with `hardFactor` times more noise (bad detections). */
  hardShare?: number;
  hardFactor?: number;
  /** Extra faces of one-off people, labelled with fresh identities. */
  strangers?: number;
  seed?: number;
  /** Shuffle so that faces of one identity are not adjacent. */
  shuffle?: boolean;
}

export interface SyntheticSet {
  embeddings: Embedding[];
  labels: number[];
}

export function randomUnit(dim: number, normal: () => number): Embedding {
  const v = new Float32Array(dim);
  for (let k = 0; k < dim; k++) v[k] = normal();
  return normalise(v);
}

export function noisyCopy(centre: Embedding, sigma: number, normal: () => number): Embedding {
  const v = new Float32Array(centre.length);
  for (let k = 0; k < centre.length; k++) v[k] = centre[k] + sigma * normal();
  return normalise(v);
}

export function syntheticFaces(options: SyntheticOptions): SyntheticSet {
  const random = seededRandom(options.seed ?? 1);
  const normal = gaussian(random);
  const embeddings: Embedding[] = [];
  const labels: number[] = [];
  for (let id = 0; id < options.identities; id++) {
    const centre = randomUnit(options.dim, normal);
    const sigma = typeof options.sigma === 'number' ? options.sigma : options.sigma(id, random);
    for (let f = 0; f < options.facesPerIdentity; f++) {
      const hard = random() < (options.hardShare ?? 0);
      embeddings.push(noisyCopy(centre, hard ? sigma * (options.hardFactor ?? 2) : sigma, normal));
      labels.push(id);
    }
  }
  for (let s = 0; s < (options.strangers ?? 0); s++) {
    embeddings.push(randomUnit(options.dim, normal));
    labels.push(options.identities + s);
  }
  if (options.shuffle) {
    for (let i = embeddings.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [embeddings[i], embeddings[j]] = [embeddings[j], embeddings[i]];
      [labels[i], labels[j]] = [labels[j], labels[i]];
    }
  }
  return { embeddings, labels };
}
