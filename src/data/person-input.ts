import { FrsError } from '../errors.js';
import { assertFits } from './legacy-limits.js';
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

/** The replaced system's column sizes: a too-long name, rank or appointment is refused, never cut. */
export function assertPersonFits(person: NewPerson): void {
  assertFits('Persons.Name', person.name);
  assertFits('Persons.Rank', person.rank);
  assertFits('Persons.Appointment', person.appointment);
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
  // The replaced system's column sizes: refused, never cut.
  assertFits('Persons.Name', update.name);
  assertFits('Persons.Rank', update.rank);
  assertFits('Persons.Appointment', update.appointment);
  return (Object.keys(EDITABLE) as (keyof typeof EDITABLE)[])
    .filter((field) => update[field] !== undefined)
    .map((field) => ({ column: EDITABLE[field], param: field, value: update[field] ?? null }));
}

const MERGED = ['Name', 'Rank', 'Appointment', 'Type'] as const;

/**
 * The target's fields (rows[0]); each empty one takes the first source's non-empty value. A
 * generated name (`Unknown-<id>`, equal to the row's GeneratedName) counts as empty, so a
 * user's name on any of them wins; with none, the target keeps its own.
 */
export function mergedFields(rows: Row[]): Record<(typeof MERGED)[number], string | null> {
  const result = {} as Record<(typeof MERGED)[number], string | null>;
  for (const column of MERGED) {
    const found = rows
      .filter((r) => column !== 'Name' || r.Name !== r.GeneratedName)
      .map((r) => strOrNull(r[column]))
      .find((v) => v !== null && v.trim() !== '');
    result[column] = found ?? strOrNull(rows[0][column]);
  }
  return result;
}
