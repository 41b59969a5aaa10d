/**
 * Where FRS keeps files (originals and face thumbnails): a flat key space with '/'-separated
 * keys. Two adapters: a local folder (embedded default) and an Azure Blob container.
 */
import { FrsError } from '../errors.js';

export interface GetOptions {
  maxBytes?: number;
}

export function tooLargeError(key: string, size: number, maxBytes: number): FrsError {
  return new FrsError(
    'FILE_TOO_LARGE',
    `${key} is ${size} bytes; FRS reads originals up to ${maxBytes} bytes (FRS_MAX_ORIGINAL_BYTES).`,
  );
}

export interface ObjectStore {
  /** Human-readable location for logs, e.g. the folder or container URL. */
  readonly location: string;
  /** Creates or overwrites. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /**
   * Throws FrsError NOT_FOUND when the key does not exist, FILE_TOO_LARGE (without downloading)
   * when it is larger than `maxBytes`.
   */
  get(key: string, options?: GetOptions): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
  /** True when something was deleted. */
  delete(key: string): Promise<boolean>;
  /** Keys starting with `prefix` (a plain string prefix), in no particular order. */
  list(prefix?: string): AsyncIterable<string>;
  /** Where a client can fetch the object: a file: URL, or a blob URL (read-only SAS where the store can sign one). */
  url(key: string): string;
}

/**
 * One key syntax for every adapter: relative, '/'-separated, no empty, '.' or '..'
 * segments, no backslashes or control characters. What one store accepts, all do, and no
 * key can climb out of a local root.
 */
export function assertValidKey(key: string): void {
  const problem =
    typeof key !== 'string' || key.length === 0
      ? 'is empty'
      : key.length > 1024
        ? 'is longer than 1024 characters'
        : key.startsWith('/')
          ? 'starts with /'
          : key.includes('\\')
            ? 'contains a backslash'
            : /[\u0000-\u001f\u007f]/.test(key) // eslint-disable-line no-control-regex -- rejecting control characters is the point
              ? 'contains a control character'
              : key.split('/').some((s) => s === '' || s === '.' || s === '..')
                ? 'has an empty, "." or ".." segment'
                : undefined;
  if (problem)
    throw new FrsError(
      'INVALID_INPUT',
      `Storage key ${JSON.stringify(key)} ${problem}; keys are relative paths like "2024/06/photo.jpg".`,
    );
}
