/**
 * A full regroup's read, streamed: faces come in pages (facesForGroupingPage) and their
 * embeddings are copied into ONE Float32Array, each face's `embedding` a view of its row. So the
 * library costs its embeddings (512 bytes per 128-d face) plus a small object per face, never the
 * driver's rows for all faces at once; the cone tree reads the matrix in place (cone-tree.ts).
 * The matrix lies in a kernel memory of its own (clustering/simd/kernel-memory.ts), where the
 * SIMD dot-product kernel reads it; that memory lives as long as any face's view of it.
 */
import { KernelMemory } from '../clustering/simd/kernel-memory.js';
import type { IndexedGroupingFace, RepositoryOps } from '../data/repository.js';

/** Faces per page: a few MB of rows at a time. */
export const PAGE_FACES = 10_000;

export interface FaceMatrix {
  faces: IndexedGroupingFace[];
  /** Row i of the matrix is faces[i].embedding (dim floats). */
  matrix: Float32Array;
}

export async function readFaceMatrix(
  ops: RepositoryOps,
  model: string,
  onProgress?: (done: number, total: number) => void,
): Promise<FaceMatrix> {
  // An upper bound (embeddings of every model); faces embedded meanwhile grow the matrix.
  let capacity = Math.max(1, (await ops.stats()).facesWithEmbedding);
  let matrix: Float32Array = new Float32Array(0);
  let dim = 0;
  const faces: IndexedGroupingFace[] = [];
  for (let after = 0; ;) {
    const page = await ops.facesForGroupingPage(model, after, PAGE_FACES);
    if (page.length === 0) break;
    if (dim === 0) {
      dim = page[0].embedding.length;
      matrix = matrixOf(capacity * dim);
    }
    if (faces.length + page.length > capacity) {
      capacity = Math.ceil((faces.length + page.length) * 1.25);
      const grown = matrixOf(capacity * dim);
      grown.set(matrix.subarray(0, faces.length * dim));
      matrix = grown;
      faces.forEach((f, i) => (f.embedding = matrix.subarray(i * dim, (i + 1) * dim)));
    }
    for (const f of page) {
      const i = faces.length;
      // A face of another length cannot be grouped with the rest; groupFaces names it.
      if (f.embedding.length !== dim) {
        faces.push(f);
        continue;
      }
      matrix.set(f.embedding, i * dim);
      faces.push({ ...f, embedding: matrix.subarray(i * dim, (i + 1) * dim) });
    }
    after = page[page.length - 1].id;
    onProgress?.(faces.length, Math.max(capacity, faces.length));
  }
  return { faces, matrix: matrix.subarray(0, faces.length * dim) };
}

/** A matrix of `length` floats in a kernel memory of its own, sized to hold it. */
function matrixOf(length: number): Float32Array {
  return new KernelMemory(length * 4 + 65536).f32(length);
}
