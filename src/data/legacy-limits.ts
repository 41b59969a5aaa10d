/**
 * Column sizes of the replaced system's schema (`create_database&tables.sql`). FRS refuses a
 * value that would not fit them, whatever database it writes to, so its rows stay readable by
 * that system's front ends and a value is never cut by a narrower column: the error names
 * the column and nothing is written.
 */
import { FrsError } from '../errors.js';
import type { RegisterMediaFileInput } from './aggregates/media-items.js';

export const LEGACY_COLUMN_LIMITS = {
  'MediaFile.FilePath': 500,
  'MediaFile.FileName': 255,
  'MediaFile.Extensions': 10,
  'MediaItems.Name': 255,
  'Faces.BoundingBox': 255,
  'Faces.Name': 255,
  'Persons.Name': 255,
  'Persons.Rank': 50,
  'Persons.Appointment': 100,
} as const;

export type LimitedColumn = keyof typeof LEGACY_COLUMN_LIMITS;

export function assertFits(column: LimitedColumn, value: string | null | undefined): void {
  if (value === null || value === undefined) return;
  const limit = LEGACY_COLUMN_LIMITS[column];
  if (value.length > limit) {
    throw new FrsError(
      'INVALID_INPUT',
      `${column} holds at most ${limit} characters (NVARCHAR(${limit}) in the replaced system's schema); ` +
        `got ${value.length}: "${value.slice(0, 60)}…". Nothing was written.`,
    );
  }
}

/** A registration's texts against the replaced system's column sizes, before anything is written. */
export function assertRegistrationFits(input: RegisterMediaFileInput): void {
  assertFits('MediaFile.FilePath', input.filePath);
  assertFits('MediaFile.FileName', input.fileName);
  assertFits('MediaItems.Name', input.fileName);
  assertFits('MediaFile.Extensions', input.extension);
}
