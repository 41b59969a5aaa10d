/**
 * One ONNX Runtime session per model file per process: sessions are expensive to create
 * (graph optimisation, weight packing) and safe to share between concurrent runs.
 */
import ort from 'onnxruntime-node';
import { FrsError } from '../../errors.js';

const sessions = new Map<string, Promise<ort.InferenceSession>>();

export interface SessionOptions {
  /** 0 = ONNX Runtime's default (one thread per core). */
  intraOpThreads: number;
}

export function getSession(path: string, options: SessionOptions): Promise<ort.InferenceSession> {
  const key = `${path}#${options.intraOpThreads}`;
  let session = sessions.get(key);
  if (!session) {
    session = ort.InferenceSession.create(path, {
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    }).catch((err: unknown) => {
      sessions.delete(key);
      throw new FrsError('MODEL_INVALID', `Cannot load ONNX model ${path}: ${(err as Error).message}`, { cause: err });
    });
    sessions.set(key, session);
  }
  return session;
}

export { ort };
