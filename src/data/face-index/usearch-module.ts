/**
 * usearch (HNSW, native) loaded on the first search rather than at import: opening a database,
 * `frs --help` and functions that never search do not load the native module.
 */
import { createRequire } from 'node:module';
import type usearchModule from 'usearch';

export type Usearch = typeof usearchModule;

let loaded: Usearch | undefined;

export function usearch(): Usearch {
  // The CommonJS build finds its prebuilt binary from its own folder (__dirname).
  loaded ??= createRequire(import.meta.url)('usearch') as Usearch;
  return loaded;
}
