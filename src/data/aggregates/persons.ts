/** Persons: creating, tidying, portraits and listings. */
import type { ActionLabels } from './action-labels.js';
import type { FaceDetail, FaceRecord, Page, PageRequest } from './faces.js';

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
  name: string | null;
  rank: string | null;
  appointment: string | null;
  type: string | null;
  faceCount: number;
  verifiedFaceCount: number;
  portraitFaceId: number | null;
  portraitMediaFileId: number | null;
  portraitThumbnailName: string | null;
  portraitThumbnailPath: string | null;
  /** Left out of the default listing (e.g. passers-by). */
  hidden: boolean;
  /** The portrait is the user's choice; regroups keep it while its face belongs to the person. */
  portraitChosen: boolean;
}

export interface PersonQuery extends PageRequest {
  /** Part of the name, case-insensitive; empty or absent: every person. */
  search?: string;
  /** false (default): visible persons only; true: hidden ones only; 'all': both. */
  hidden?: boolean | 'all';
}

/** Fields a user may change; absent fields stay, null clears. */
export interface PersonUpdate {
  name?: string | null;
  rank?: string | null;
  appointment?: string | null;
  type?: string | null;
  hidden?: boolean;
}

export interface MergeResult {
  /** Faces that came from the sources, now verified faces of the target. */
  movedFaceIds: number[];
  /** Sources deleted. */
  personsDeleted: number;
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
  /** Creates `n` unnamed persons, or one per entry; ids in input order. */
  createPersons(persons: number | NewPerson[]): Promise<number[]>;
  setPortraits(updates: PortraitUpdate[]): Promise<number>;
  /** Persons with face counts and portrait, most faces first. */
  listPersons(): Promise<PersonSummary[]>;
  getPerson(id: number): Promise<PersonDetail | null>;
  /** Persons by id without their faces (unknown ids left out), in id order. */
  personSummaries(ids: number[]): Promise<PersonSummary[]>;

  /** One page of persons, most faces first, with the total; one query per page. */
  searchPersons(query: PersonQuery): Promise<Page<PersonSummary>>;
  /** One page of a person's faces in id order, each with its photo. */
  personFaces(personId: number, page: PageRequest): Promise<Page<FaceDetail>>;
  /** Changes the given fields; false when there is no such person. */
  updatePerson(id: number, update: PersonUpdate): Promise<boolean>;
  /**
   * The sources' faces join the target; the target keeps its fields, an empty one takes the
   * first source's non-empty value; every face of the target becomes verified; sources deleted.
   */
  mergePersons(targetId: number, sourceIds: number[]): Promise<MergeResult>;
  /** The user's portrait for a person (sticky); false when the face is not the person's. */
  choosePortrait(personId: number, faceId: number): Promise<boolean>;
  /** Deletes a person; its faces become unassigned and unverified. Returns faces unassigned, null when unknown. */
  deletePerson(id: number): Promise<number | null>;
  /** Persons among `personIds` with faces but no portrait get their best-scored face. Returns how many. */
  fillPortraits(personIds: number[]): Promise<number>;
}

/** What each operation is doing, for DATABASE_ERROR messages ("Database error while ..."). */
export const personActions: ActionLabels<PersonOps> = {
  tidyPersons: 'tidying persons',
  createPersons: 'creating persons',
  setPortraits: 'setting portraits',
  listPersons: 'listing persons',
  getPerson: 'reading a person',
  personSummaries: 'reading persons',
  searchPersons: 'searching persons',
  personFaces: "reading a person's faces",
  updatePerson: 'updating a person',
  mergePersons: 'merging persons',
  choosePortrait: 'choosing a portrait',
  deletePerson: 'deleting a person',
  fillPortraits: 'filling in portraits',
};
