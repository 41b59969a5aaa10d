import { FrsError } from '../errors.js';

/** Turns a driver error into the user-facing DATABASE_ERROR, naming what FRS was doing. */
export function databaseError(action: string, err: unknown): FrsError {
  if (err instanceof FrsError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new FrsError('DATABASE_ERROR', `Database error while ${action}: ${detail}`, { cause: err });
}
