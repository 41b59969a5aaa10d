/** Every repository operation over one better-sqlite3 connection (synchronous SQL). */
import type Database from 'better-sqlite3';
import type { OperationImpl } from '../operations.js';
import * as content from './sqlite-content.js';
import * as coordination from './sqlite-coordination.js';
import * as faceSearch from './sqlite-face-search.js';
import * as faces from './sqlite-faces.js';
import * as groupingIndex from './sqlite-grouping-index.js';
import * as items from './sqlite-items.js';
import * as oldEmbeddings from './sqlite-old-embeddings.js';
import * as persons from './sqlite-persons.js';

export const sqliteOperations: OperationImpl<Database.Database> = {
  ...items,
  ...content,
  ...faces,
  ...faceSearch,
  ...groupingIndex,
  ...persons,
  ...oldEmbeddings,
  ...coordination,
};
