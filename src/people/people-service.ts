/**
 * The people loop: name, confirm, correct and merge persons. One service for the HTTP functions
 * and the CLI. Every action validates and writes in ONE transaction, so a refused action changes
 * nothing, and each one changes the grouping fingerprint: a regroup that decided before the
 * action sees the change under its lock and decides again (group-stage.ts) instead of undoing it.
 * Each action also marks the faces it touches, and all faces of the persons it touches, for the
 * next run (markGroupingDirty): an incremental run regroups exactly their components
 * (src/pipeline/incremental-grouping.ts).
 *
 * How a decision survives regrouping: faces the user placed (moved, new person, merged, verified)
 * are verified and never move; "not this person" is a cannot-link the regroup respects; rejected
 * faces are left out of grouping; names, hidden persons and chosen portraits are never touched
 * by a regroup (see README "How it works").
 */
import { isLowQuality } from '../vision/face-quality.js';
import type { FaceDetail, Page, PersonSummary, Photo, Repository, RepositoryOps } from '../data/repository.js';
import { FrsError } from '../errors.js';
import { checkedText, checkedUpdate } from './person-fields.js';
import { suggestionIndex } from './suggestion-index.js';
import { mostSimilar, type Suggestion } from './suggestions.js';
import { checkedUndo, restore, undoRecord, type FacesUndo, type RestoreOutcome } from './undo.js';

export interface Paging {
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface PersonListQuery extends Partial<Paging> {
  search?: string;
  hidden?: boolean | 'all';
}

export interface PersonFields {
  name?: string | null;
  rank?: string | null;
  appointment?: string | null;
  type?: string | null;
  hidden?: boolean;
}

export interface NamedSuggestion extends Suggestion {
  name: string | null;
}

/** A face as the people views list it: marked when its quality is below FRS_MIN_FACE_QUALITY. */
export interface ListedFace extends FaceDetail {
  lowQuality: boolean;
}

export interface UnassignedFace extends ListedFace {
  suggestions: NamedSuggestion[];
}

export interface MergeOutcome {
  person: PersonSummary;
  mergedPersonIds: number[];
  movedFaceIds: number[];
  undo: FacesUndo;
}

/** An action on faces: how many changed, and the record that undoes it (src/people/undo.ts). */
export interface FacesChange {
  faces: number;
  undo: FacesUndo;
}

export const MAX_PAGE_SIZE = 500;
/** Nearest persons looked at beyond the k suggested, so hidden ones among them can be left out. */
const SPARE_SUGGESTIONS = 7;
/** The most ids one action takes: keeps each action one short transaction. */
export const MAX_IDS = 1000;

function paging(p: Partial<Paging>): Paging & { offset: number; limit: number } {
  const page = p.page ?? 1;
  const pageSize = p.pageSize ?? 50;
  if (!Number.isInteger(page) || page < 1) throw new FrsError('INVALID_INPUT', `page must be 1 or more (got ${page}).`);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE)
    throw new FrsError('INVALID_INPUT', `pageSize must be 1..${MAX_PAGE_SIZE} (got ${pageSize}).`);
  return { page, pageSize, offset: (page - 1) * pageSize, limit: pageSize };
}

const paged = <T>(page: Page<T>, p: Paging): Paged<T> => ({
  items: page.items,
  page: p.page,
  pageSize: p.pageSize,
  total: page.total,
});

function ids(list: readonly number[], what: string): number[] {
  if (list.length === 0) throw new FrsError('INVALID_INPUT', `Give at least one ${what} id.`);
  if (list.length > MAX_IDS)
    throw new FrsError('INVALID_INPUT', `At most ${MAX_IDS} ${what} ids at once (got ${list.length}).`);
  for (const id of list)
    if (!Number.isInteger(id) || id < 1) throw new FrsError('INVALID_INPUT', `${String(id)} is not a ${what} id.`);
  return [...new Set(list)];
}

export class PeopleService {
  /**
   * `model`: the current embedding model; faces of other models cannot be placed in persons.
   * `minFaceQuality` (FRS_MIN_FACE_QUALITY): faces below it are listed as low quality.
   */
  constructor(
    private readonly repo: Repository,
    readonly model: string,
    readonly minFaceQuality = 0,
  ) {}

  private listed(face: FaceDetail): ListedFace {
    return { ...face, lowQuality: isLowQuality(face.quality, this.minFaceQuality) };
  }

  async listPersons(query: PersonListQuery = {}): Promise<Paged<PersonSummary>> {
    const p = paging(query);
    return paged(await this.repo.searchPersons({ ...p, search: query.search, hidden: query.hidden ?? false }), p);
  }

  async person(id: number, page: Partial<Paging> = {}): Promise<{ person: PersonSummary; faces: Paged<ListedFace> }> {
    const p = paging(page);
    const person = await this.requirePerson(this.repo, id);
    const faces = await this.repo.personFaces(id, p);
    return { person, faces: paged({ items: faces.items.map((f) => this.listed(f)), total: faces.total }, p) };
  }

  async updatePerson(id: number, fields: PersonFields): Promise<PersonSummary> {
    const update = checkedUpdate(fields);
    return this.repo.transaction(async (tx) => {
      await this.requirePerson(tx, id);
      await tx.updatePerson(id, update);
      return this.requirePerson(tx, id);
    });
  }

  /** Deletes a person; its faces become unassigned. The undo record brings it back (a new id) with its fields and faces. */
  async deletePerson(id: number): Promise<{ personId: number; facesUnassigned: number; undo: FacesUndo }> {
    return this.repo.transaction(async (tx) => {
      const person = await tx.getPerson(id);
      if (!person) throw notFound('person', [id]);
      await tx.markGroupingDirty({ personIds: [id] });
      const undo = await undoRecord(tx, person.faces, [id], { withPersonFields: true });
      const faces = (await tx.deletePerson(id)) ?? 0;
      return { personId: id, facesUnassigned: faces, undo };
    });
  }

  /** Split: a new person from faces (verified in it), optionally named. */
  async createPerson(input: { name?: string | null; faceIds: number[] }): Promise<PersonSummary & { undo: FacesUndo }> {
    const name = checkedText('name', input.name);
    const faceIds = ids(input.faceIds, 'face');
    return this.repo.transaction(async (tx) => {
      const faces = await this.requireFaces(tx, faceIds, { sameModel: true });
      await tx.markGroupingDirty({ faceIds, personIds: personsOf(faces) });
      const undo = await undoRecord(tx, faces, []);
      const [personId] = await tx.createPersons([{ name: name ?? null }]);
      await tx.moveFaces(faceIds, personId);
      await this.tidy(tx, [...personsOf(faces), personId]);
      return { ...(await this.requirePerson(tx, personId)), undo };
    });
  }

  async mergePersons(targetId: number, sourceIds: number[]): Promise<MergeOutcome> {
    const sources = ids(sourceIds, 'person');
    if (sources.includes(targetId))
      throw new FrsError('INVALID_INPUT', `Person ${targetId} cannot be merged into itself.`);
    return this.repo.transaction(async (tx) => {
      await this.requirePersons(tx, [targetId, ...sources]);
      await tx.markGroupingDirty({ personIds: [targetId, ...sources] });
      // Every face of the target and the sources changes (all become the target's, verified).
      const faces = [];
      for (const id of [targetId, ...sources]) faces.push(...((await tx.getPerson(id))?.faces ?? []));
      const undo = await undoRecord(tx, faces, [targetId, ...sources], { withPersonFields: true });
      const result = await tx.mergePersons(targetId, sources);
      await tx.fillPortraits([targetId]);
      return {
        person: await this.requirePerson(tx, targetId),
        mergedPersonIds: sources,
        movedFaceIds: result.movedFaceIds,
        undo,
      };
    });
  }

  async choosePortrait(personId: number, faceId: number): Promise<PersonSummary> {
    return this.repo.transaction(async (tx) => {
      await this.requirePerson(tx, personId);
      const [face] = await this.requireFaces(tx, [faceId]);
      if (face.personId !== personId)
        throw new FrsError('INVALID_INPUT', `Face ${faceId} is not a face of person ${personId}; move it there first.`);
      await tx.choosePortrait(personId, faceId);
      return this.requirePerson(tx, personId);
    });
  }

  async moveFaces(faceIds: number[], personId: number): Promise<FacesChange & { personId: number }> {
    const list = ids(faceIds, 'face');
    return this.repo.transaction(async (tx) => {
      await this.requirePerson(tx, personId);
      const faces = await this.requireFaces(tx, list, { sameModel: true });
      await tx.markGroupingDirty({ faceIds: list, personIds: [...personsOf(faces), personId] });
      const undo = await undoRecord(tx, faces, [personId]);
      const moved = await tx.moveFaces(list, personId);
      await this.tidy(tx, [...personsOf(faces), personId]);
      return { personId, faces: moved, undo };
    });
  }

  /** "Not this person": the faces leave their persons and never rejoin them. */
  async unassignFaces(faceIds: number[]): Promise<FacesChange> {
    const list = ids(faceIds, 'face');
    return this.repo.transaction(async (tx) => {
      const faces = await this.requireFaces(tx, list);
      await tx.markGroupingDirty({ faceIds: list, personIds: personsOf(faces) });
      const undo = await undoRecord(tx, faces, []);
      const unassigned = await tx.unassignFaces(list);
      await this.tidy(tx, personsOf(faces));
      return { faces: unassigned, undo };
    });
  }

  /** Confirms faces in the persons they are in. */
  async verifyFaces(faceIds: number[]): Promise<FacesChange> {
    const list = ids(faceIds, 'face');
    return this.repo.transaction(async (tx) => {
      const faces = await this.requireFaces(tx, list, { sameModel: true });
      const loose = faces.filter((f) => f.personId === null).map((f) => f.id);
      if (loose.length > 0)
        throw new FrsError('INVALID_INPUT', `Face(s) ${loose.join(', ')} are in no person: move them to one instead.`);
      await tx.markGroupingDirty({ faceIds: list, personIds: personsOf(faces) });
      const undo = await undoRecord(tx, faces, []);
      return { faces: await tx.confirmFaces(list), undo };
    });
  }

  /** Not a face: leaves its person and never returns to grouping. */
  async rejectFaces(faceIds: number[]): Promise<FacesChange> {
    const list = ids(faceIds, 'face');
    return this.repo.transaction(async (tx) => {
      const faces = await this.requireFaces(tx, list);
      await tx.markGroupingDirty({ faceIds: list, personIds: personsOf(faces) });
      const undo = await undoRecord(tx, faces, []);
      const rejected = await tx.rejectFaces(list);
      await this.tidy(tx, personsOf(faces));
      return { faces: rejected, undo };
    });
  }

  /**
   * Undo: takes back an action with the record it answered (`undo`): the faces go back where they
   * stood, with their portraits; a person that is gone comes back under a new id (see undo.ts).
   */
  async restoreFaces(undo: FacesUndo): Promise<RestoreOutcome> {
    const record = checkedUndo(undo);
    return this.repo.transaction((tx) => restore(tx, record));
  }

  /** Faces by id, unknown ids left out (batch reads such as inlined thumbnails). */
  async faces(faceIds: number[]): Promise<FaceDetail[]> {
    return this.repo.getFaces(ids(faceIds, 'face'));
  }

  async face(id: number): Promise<FaceDetail> {
    return (await this.requireFaces(this.repo, [id]))[0];
  }

  async photo(ref: { itemId: number } | { filePath: string }): Promise<Photo> {
    const found = await this.repo.photo(ref);
    if (!found)
      throw new FrsError(
        'NOT_FOUND',
        'itemId' in ref ? `No media item ${ref.itemId}.` : `No photo at ${ref.filePath}.`,
      );
    return found;
  }

  /**
   * Faces in no person, each with the `k` most similar persons (hidden ones left out). The
   * centroids come from a cache kept until the grouping changes (suggestion-index.ts); among
   * each face's k + SPARE_SUGGESTIONS nearest persons the visible ones are kept.
   */
  async unassignedFaces(page: Partial<Paging> = {}, k = 3): Promise<Paged<UnassignedFace>> {
    const p = paging(page);
    const list = await this.repo.unassignedFaces(this.model, p);
    if (list.items.length === 0) return paged({ items: [], total: list.total }, p);
    const { centroids, loose } = await suggestionIndex(this.repo, this.model);
    const nearest = new Map(
      list.items.map((face) => {
        const embedding = loose.get(face.id);
        return [face.id, embedding ? mostSimilar(embedding, centroids, k + SPARE_SUGGESTIONS) : []];
      }),
    );
    const candidates = [...new Set([...nearest.values()].flat().map((s) => s.personId))];
    const persons = new Map((await this.repo.personSummaries(candidates)).map((x) => [x.id, x]));
    const items = list.items.map((face) => {
      const suggestions = nearest
        .get(face.id)!
        .filter((s) => persons.get(s.personId)?.hidden === false)
        .slice(0, k)
        .map((s) => ({ ...s, name: persons.get(s.personId)?.name ?? null }));
      return { ...this.listed(face), suggestions };
    });
    return paged({ items, total: list.total }, p);
  }

  private async requirePerson(ops: RepositoryOps, id: number): Promise<PersonSummary> {
    return (await this.requirePersons(ops, [id]))[0];
  }

  private async requirePersons(ops: RepositoryOps, list: number[]): Promise<PersonSummary[]> {
    const persons = await ops.personSummaries(list);
    const found = new Set(persons.map((p) => p.id));
    const missing = list.filter((id) => !found.has(id));
    if (missing.length > 0) throw notFound('person', missing);
    return persons;
  }

  private async requireFaces(
    ops: RepositoryOps,
    list: number[],
    opts: { sameModel?: boolean } = {},
  ): Promise<FaceDetail[]> {
    const faces = await ops.getFaces(list);
    const found = new Set(faces.map((f) => f.id));
    const missing = list.filter((id) => !found.has(id));
    if (missing.length > 0) throw notFound('face', missing);
    if (opts.sameModel) {
      const other = faces.filter((f) => f.embeddingModel !== this.model || !f.hasEmbedding);
      if (other.length > 0)
        throw new FrsError(
          'INVALID_INPUT',
          `Face(s) ${other.map((f) => f.id).join(', ')} have no embedding from the current model (${this.model}); ` +
            'run recognise first.',
        );
    }
    return faces;
  }

  /** After faces left or joined persons: stale portraits cleared, empty unnamed persons dropped, missing portraits filled. */
  private async tidy(tx: RepositoryOps, personIds: number[]): Promise<void> {
    const distinct = [...new Set(personIds)];
    await tx.tidyPersons(distinct);
    await tx.fillPortraits(distinct);
  }
}

function personsOf(faces: FaceDetail[]): number[] {
  return faces.map((f) => f.personId).filter((p): p is number => p !== null);
}

function notFound(what: 'person' | 'face', missing: number[]): FrsError {
  return new FrsError('NOT_FOUND', `No ${what}${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`);
}
