/** Every repository operation over an mssql scope (the pool, or one transaction). */
import type { OperationImpl } from '../operations.js';
import * as content from './mssql-content.js';
import * as coordination from './mssql-coordination.js';
import * as faceSearch from './mssql-face-search.js';
import * as faces from './mssql-faces.js';
import * as groupingIndex from './mssql-grouping-index.js';
import * as items from './mssql-items.js';
import * as oldEmbeddings from './mssql-old-embeddings.js';
import * as persons from './mssql-persons.js';
import type { MssqlScope } from './mssql-scope.js';

export const mssqlOperations: OperationImpl<MssqlScope> = {
  ...items,
  ...content,
  ...faces,
  ...faceSearch,
  ...groupingIndex,
  ...persons,
  ...oldEmbeddings,
  ...coordination,
};
