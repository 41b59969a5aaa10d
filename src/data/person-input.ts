import { FrsError } from '../errors.js';
import { assertFits } from './legacy-limits.js';
import type { NewPerson } from './repository.js';

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
