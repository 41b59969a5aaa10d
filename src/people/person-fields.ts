/**
 * What a user may type into a person, checked before anything is written. The limits are the
 * replaced system's column sizes (create_database&tables.sql: Name NVARCHAR(255), Rank
 * NVARCHAR(50), Appointment NVARCHAR(100); Type as its Python wrote it), so a value FRS accepts
 * fits every database it shares with that system.
 */
import { FrsError } from '../errors.js';
import type { PersonUpdate } from '../data/repository.js';

export const FIELD_LIMITS = { name: 255, rank: 50, appointment: 100, type: 50 } as const;

type TextField = keyof typeof FIELD_LIMITS;

/** Trimmed text, null for blank; refuses over-long text naming the field. */
export function checkedText(field: TextField, value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const text = value.trim();
  const limit = FIELD_LIMITS[field];
  if (text.length > limit) {
    throw new FrsError('INVALID_INPUT', `${field} is ${text.length} characters long; the limit is ${limit}.`);
  }
  return text === '' ? null : text;
}

export function checkedUpdate(update: PersonUpdate): PersonUpdate {
  const result: PersonUpdate = {};
  for (const field of Object.keys(FIELD_LIMITS) as TextField[]) {
    const value = checkedText(field, update[field]);
    if (value !== undefined) result[field] = value;
  }
  if (update.hidden !== undefined) result.hidden = update.hidden;
  return result;
}

/** The name a list shows for a person nobody named yet. */
export function displayName(person: { id: number; name: string | null }): string {
  return person.name?.trim() || `Person ${person.id}`;
}
