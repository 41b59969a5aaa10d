/** Persons: creating, tidying, portraits and listings. */
import type { ActionLabels } from './action-labels.js';
import type { FaceRecord } from './faces.js';

export interface NewPerson {
  name?: string | null;
  rank?: string | null;
  appointment?: string | null;
  type?: string | null;
}

export interface PortraitUpdate {
  personId: number;
  faceId: number | null;
  mediaFileId: number | null;
}

export interface PersonSummary {
  id: number;
  /** What front ends show: a user's name, or the generated `Unknown-<id>` (see nameIsGenerated). */
  name: string | null;
  /** True while Name is the one FRS (or the replaced system) generated: the person counts as unnamed. */
  nameIsGenerated: boolean;
  rank: string | null;
  appointment: string | null;
  type: string | null;
  faceCount: number;
  verifiedFaceCount: number;
  portraitFaceId: number | null;
  portraitMediaFileId: number | null;
  portraitThumbnailName: string | null;
  portraitThumbnailPath: string | null;
}

export interface PersonDetail extends PersonSummary {
  faces: FaceRecord[];
}

export interface TidyResult {
  portraitsCleared: number;
  personsDeleted: number;
}

export interface PersonOps {
  /**
   * After faces moved, among `personIds`: clears portraits that no longer show their person and
   * deletes persons left with no faces and no user-entered Name, Rank or Appointment.
   */
  tidyPersons(personIds: number[]): Promise<TidyResult>;
  /**
   * Creates `n` unnamed persons, or one per entry; ids in input order. A person created without
   * a name gets the display name generatedPersonName(id) ("Unknown-<id>"), marked as generated.
   */
  createPersons(persons: number | NewPerson[]): Promise<number[]>;
  setPortraits(updates: PortraitUpdate[]): Promise<number>;
  /** Persons with face counts and portrait, most faces first. */
  listPersons(): Promise<PersonSummary[]>;
  getPerson(id: number): Promise<PersonDetail | null>;
}

/** What each operation is doing, for DATABASE_ERROR messages ("Database error while ..."). */
export const personActions: ActionLabels<PersonOps> = {
  tidyPersons: 'tidying persons',
  createPersons: 'creating persons',
  setPortraits: 'setting portraits',
  listPersons: 'listing persons',
  getPerson: 'reading a person',
};
