/**
 * Where FRS keeps files (originals and face thumbnails): a flat key space with '/'-separated
 * keys. Two adapters: a local folder (embedded default) and an Azure Blob container.
 */
export interface ObjectStore {
  /** Human-readable location for logs, e.g. the folder or container URL. */
  readonly location: string;
  /** Creates or overwrites. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Throws FrsError NOT_FOUND when the key does not exist. */
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
  /** True when something was deleted. */
  delete(key: string): Promise<boolean>;
  /** Keys under a prefix, in no particular order. */
  list(prefix?: string): AsyncIterable<string>;
  /** Where a client can fetch the object (file path or blob URL). */
  url(key: string): string;
}
