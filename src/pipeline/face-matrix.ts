/**
 * A full regroup's read, streamed: faces come in pages (facesForGroupingPage) and their
 * embeddings are copied into ONE Float32Array, the rest of each face into columns (face-columns.ts).
 * So the library costs its embeddings (512 bytes per 128-d face) plus 57 bytes of columns per
 * face, never the driver's rows for all faces at once, and no object per face; the cone tree
 * reads the matrix in place (cone-tree.ts). The matrix lies in a kernel memory of its own
 * (clustering/simd/kernel-memory.ts), where the SIMD dot-product kernel reads it; that memory
 * lives as long as any view of it.
 */
import { KernelMemory } from '../clustering/simd/kernel-memory.js';
import { FrsError } from '../errors.js';
import type { RepositoryOps } from '../data/repository.js';
import { FaceColumns, FaceTable } from './face-columns.js';

/** Faces per page: a few MB of rows at a time. */
export const PAGE_FACES = 10_000;

export async function readFaceMatrix(
  ops: RepositoryOps,
  model: string,
  onProgress?: (done: number, total: number) => void,
): Promise<FaceTable> {
  // An upper bound (embeddings of every model); faces embedded meanwhile grow the matrix.
  let capacity = Math.max(1, (await ops.stats()).facesWithEmbedding);
  let matrix: Float32Array = new Float32Array(0);
  let dim = 0;
  const faces = new FaceColumns(capacity);
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
    }
    for (const f of page) {
      // A face of another length cannot be grouped with the rest (one model, one length).
      if (f.embedding.length !== dim)
        throw new FrsError(
          'INVALID_INPUT',
          `Face ${f.id} has ${f.embedding.length} embedding dimensions, the model's other faces ${dim}.`,
        );
      matrix.set(f.embedding, faces.length * dim);
      faces.push(f);
    }
    after = page[page.length - 1].id;
    onProgress?.(faces.length, Math.max(capacity, faces.length));
  }
  faces.trim();
  return new FaceTable(faces, matrix.subarray(0, faces.length * dim), dim);
}

/** A matrix of `length` floats in a kernel memory of its own, sized to hold it. */
function matrixOf(length: number): Float32Array {
  return new KernelMemory(length * 4 + 65536).f32(length);
}
