/**
 * One ONNX Runtime session per model file per process: sessions are expensive to create
 * (graph optimisation, weight packing) and safe to share between concurrent runs.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import { FrsError } from '../../errors.js';

const sessions = new Map<string, Promise<ort.InferenceSession>>();

export interface SessionOptions {
  /** 0 = ONNX Runtime's default (one thread per core). */
  intraOpThreads: number;
  /** When set (from the manifest), the file must have this SHA-256: a wrong or damaged model never loads. */
  sha256?: string;
}

async function verifiedBytes(path: string, sha256: string): Promise<Uint8Array> {
  const bytes = await readFile(path);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) throw new Error(`sha256 is ${actual}, the manifest expects ${sha256}`);
  return bytes;
}

export function getSession(path: string, options: SessionOptions): Promise<ort.InferenceSession> {
  const key = `${path}#${options.intraOpThreads}`;
  let session = sessions.get(key);
  if (!session) {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    };
    const created = options.sha256
      ? verifiedBytes(path, options.sha256).then((bytes) => ort.InferenceSession.create(bytes, sessionOptions))
      : ort.InferenceSession.create(path, sessionOptions);
    session = created.catch((err: unknown) => {
      sessions.delete(key);
      throw new FrsError('MODEL_INVALID', `Cannot load ONNX model ${path}: ${(err as Error).message}`, { cause: err });
    });
    sessions.set(key, session);
  }
  return session;
}

export { ort };
