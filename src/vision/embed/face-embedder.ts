/** Turns aligned face chips into L2-normalised embeddings with the manifest's embedder model. */
import { FrsError } from '../../errors.js';
import type { EmbedderSpec } from '../models/manifest.js';
import { getSession } from '../models/onnx-session.js';
import { InputBuffer, inputLength, toInputTensor } from '../tensor.js';

export class FaceEmbedder {
  private readonly inputBuffer = new InputBuffer();

  constructor(
    private readonly spec: EmbedderSpec,
    private readonly modelPath: string,
    /** 0 = ONNX Runtime's default (one per core). */
    private readonly intraOpThreads: number,
  ) {}

  get dimensions(): number {
    return this.spec.dimensions;
  }

  /** Each chip is RGB bytes of exactly input.width x input.height; one vector per chip, in order. */
  async embed(chips: Uint8Array[]): Promise<Float32Array[]> {
    const { input, output, batchSize, dimensions } = this.spec;
    const expected = input.width * input.height * 3;
    chips.forEach((chip, i) => {
      if (chip.length !== expected) {
        throw new FrsError(
          'INVALID_INPUT',
          `Face chip ${i} is ${chip.length} bytes; expected ${expected} (${input.width}x${input.height} RGB).`,
        );
      }
    });

    const vectors: Float32Array[] = [];
    if (chips.length === 0) return vectors;
    // getSession caches per path and thread count, so this loads the model once per process.
    const session = await getSession(this.modelPath, { intraOpThreads: this.intraOpThreads, sha256: this.spec.sha256 });
    for (let start = 0; start < chips.length; start += batchSize) {
      const batch = chips.slice(start, start + batchSize);
      const result = await this.inputBuffer.with(inputLength(batch.length, input), (data) =>
        session.run({ [input.name]: toInputTensor(batch, input, data) }),
      );
      const tensor = result[output];
      if (!tensor) throw new FrsError('MODEL_INVALID', `Embedder has no output named "${output}".`);
      const data = tensor.data as Float32Array;
      if (data.length !== batch.length * dimensions) {
        throw new FrsError(
          'MODEL_INVALID',
          `Embedder output has ${data.length} values; expected ${batch.length} x ${dimensions}.`,
        );
      }
      for (let n = 0; n < batch.length; n++)
        vectors.push(l2Normalise(data.subarray(n * dimensions, (n + 1) * dimensions)));
    }
    return vectors;
  }
}

/** A copy scaled to unit length; an all-zero vector stays zero rather than becoming NaN. */
export function l2Normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  return Float32Array.from(v, (x) => (norm > 0 ? x / norm : 0));
}
