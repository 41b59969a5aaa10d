import { FrsError } from '../errors.js';
import type { NewPerson, PersonUpdate } from './repository.js';
import { strOrNull, type Row } from './row-mappers.js';

/** createPersons takes a count or a list; both adapters work on the list. */
export function normalizePersons(persons: number | NewPerson[]): NewPerson[] {
  if (typeof persons !== 'number') return persons;
  if (!Number.isInteger(persons) || persons < 0) {
    throw new FrsError('INVALID_INPUT', `createPersons needs a whole number of persons, got ${persons}.`);
  }
  return Array.from({ length: persons }, () => ({}));
}

/** Persons columns a user may edit, by PersonUpdate field. */
const EDITABLE = { name: 'Name', rank: 'Rank', appointment: 'Appointment', type: 'Type', hidden: 'IsHidden' } as const;

export interface ColumnAssignment {
  column: string;
  param: string;
  value: string | boolean | null;
}

/** `SET column = @param` pairs for the fields present in `update` (both adapters). */
export function updateAssignments(update: PersonUpdate): ColumnAssignment[] {
  return (Object.keys(EDITABLE) as (keyof typeof EDITABLE)[])
    .filter((field) => update[field] !== undefined)
    .map((field) => ({ column: EDITABLE[field], param: field, value: update[field] ?? null }));
}

const MERGED = ['Name', 'Rank', 'Appointment', 'Type'] as const;

/** The target's fields (rows[0]); each empty one takes the first source's non-empty value. */
export function mergedFields(rows: Row[]): Record<(typeof MERGED)[number], string | null> {
  const result = {} as Record<(typeof MERGED)[number], string | null>;
  for (const column of MERGED) {
    const found = rows.map((r) => strOrNull(r[column])).find((v) => v !== null && v.trim() !== '');
    result[column] = found ?? strOrNull(rows[0][column]);
  }
  return result;
}
