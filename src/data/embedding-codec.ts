/**
 * Embeddings are stored as raw float32 little-endian bytes (the legacy tool's format):
 * VARBINARY on SQL Server, BLOB on SQLite. Bytes are copied, never converted through
 * JS numbers, so values (NaN payloads included) round-trip bit-exact.
 */
import { endianness } from 'node:os';
import { FrsError } from '../errors.js';

const littleEndianHost = endianness() === 'LE';

export function encodeEmbedding(embedding: Float32Array): Buffer {
  if (!(embedding instanceof Float32Array)) {
    throw new FrsError('INVALID_INPUT', 'An embedding must be a Float32Array.');
  }
  const copy = Buffer.alloc(embedding.byteLength);
  copy.set(new Uint8Array(embedding.buffer, embedding.byteOffset, embedding.byteLength));
  return littleEndianHost ? copy : copy.swap32();
}

export function decodeEmbedding(stored: Uint8Array): Float32Array {
  if (stored.byteLength % 4 !== 0) {
    throw new FrsError(
      'DATABASE_ERROR',
      `A stored embedding has ${stored.byteLength} bytes, not a multiple of 4 (float32).`,
    );
  }
  // Copy into a fresh, aligned buffer: the driver's Buffer may be a slice at any offset.
  const out = new Float32Array(stored.byteLength / 4);
  const bytes = new Uint8Array(out.buffer);
  bytes.set(stored);
  if (!littleEndianHost) Buffer.from(out.buffer).swap32();
  return out;
}
