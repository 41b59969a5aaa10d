import { FrsError } from '../errors.js';
import type { NewPerson } from './repository.js';

/** createPersons takes a count or a list; both adapters work on the list. */
export function normalizePersons(persons: number | NewPerson[]): NewPerson[] {
  if (typeof persons !== 'number') return persons;
  if (!Number.isInteger(persons) || persons < 0) {
    throw new FrsError('INVALID_INPUT', `createPersons needs a whole number of persons, got ${persons}.`);
  }
  return Array.from({ length: persons }, () => ({}));
}
