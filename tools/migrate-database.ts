/**
 * Brings the database named by FRS_DATABASE to the current schema and exits. The deploy hooks
 * run it as the SQL Server's Entra admin (infra/hooks/predeploy.sh), so that the app's own
 * identity needs no right to change the schema (no db_ddladmin): opening the repository
 * migrates, and the app then finds nothing left to do.
 *
 *   FRS_DATABASE='Server=tcp:<server>,1433;Database=frs;Authentication=Active Directory Default' npx tsx tools/migrate-database.ts
 */
import { openRepository } from '../src/data/open-repository.js';
import { asFrsError } from '../src/errors.js';

const database = process.env.FRS_DATABASE;
if (!database) {
  console.error('migrate-database: set FRS_DATABASE to the connection string of the database to migrate.');
  process.exit(2);
}
try {
  const repo = await openRepository(database);
  await repo.close();
  console.log('migrate-database: the schema is up to date.');
} catch (err) {
  const e = asFrsError(err);
  console.error(`migrate-database: ${e.code}: ${e.message}`);
  process.exit(1);
}
