/**
 * Undo for the people actions. Each action on faces (move, new person, take out, not a face,
 * confirm, merge) and deleting a person reads, inside its own transaction and before it writes, where the faces stood
 * and what the persons' portraits were: that record is its `undo`. Handing the record back
 * (PeopleService.restoreFaces, POST /api/faces/restore) puts the faces back, lifts the
 * cannot-links the action made, and puts the portraits back where their faces are the persons'
 * again. A person the action emptied and tidied away (or a merged source) comes back as a new
 * person: with its fields when the record carries them (merge), unnamed otherwise.
 */
import type { FaceDetail, FacePlacement, PersonSummary, RepositoryOps } from '../data/repository.js';
import { FrsError } from '../errors.js';

export type { FacePlacement };

export interface PortraitPlacement {
  personId: number;
  faceId: number;
  mediaFileId: number | null;
  /** The user chose it (sticky through regroups); otherwise FRS picked it. */
  chosen: boolean;
}

/**
 * A person's own fields as they were (merge changes the target's and deletes the sources). When
 * `nameIsGenerated`, the name is Unknown-<id>: a person that comes back gets its own.
 */
export type PersonRecord = Pick<
  PersonSummary,
  'id' | 'name' | 'nameIsGenerated' | 'rank' | 'appointment' | 'type' | 'hidden'
>;

/** What an action changed, as restoreFaces takes it back. */
export interface FacesUndo {
  faces: FacePlacement[];
  portraits: PortraitPlacement[];
  /** Persons whose fields the action changed or who it deleted (merge, delete); absent for face actions. */
  persons?: PersonRecord[];
}

export interface RestoreOutcome {
  faces: number;
  /** Persons that were gone and came back under a new id. */
  recreatedPersons: Array<{ was: number; now: number }>;
}

/** The most faces one undo record may carry: a merge of large persons makes a long one. */
export const MAX_UNDO_FACES = 20_000;

export const placementOf = (f: Pick<FaceDetail, 'id' | 'personId' | 'isUserVerified' | 'isRejected'>) => ({
  faceId: f.id,
  personId: f.personId,
  isUserVerified: f.isUserVerified,
  isRejected: f.isRejected,
});

const portraitOf = (p: PersonSummary): PortraitPlacement[] =>
  p.portraitFaceId === null
    ? []
    : [{ personId: p.id, faceId: p.portraitFaceId, mediaFileId: p.portraitMediaFileId, chosen: p.portraitChosen }];

export const personRecordOf = (p: PersonSummary): PersonRecord => ({
  id: p.id,
  name: p.name,
  nameIsGenerated: p.nameIsGenerated,
  rank: p.rank,
  appointment: p.appointment,
  type: p.type,
  hidden: p.hidden,
});

/** The undo record of an action about to change `faces` (and `persons`' portraits), read before it writes. */
export async function undoRecord(
  tx: RepositoryOps,
  faces: Array<Pick<FaceDetail, 'id' | 'personId' | 'isUserVerified' | 'isRejected'>>,
  personIds: number[],
  options: { withPersonFields?: boolean } = {},
): Promise<FacesUndo> {
  const ids = [...new Set([...faces.map((f) => f.personId), ...personIds])].filter((id): id is number => id !== null);
  const persons = ids.length > 0 ? await tx.personSummaries(ids) : [];
  const undo: FacesUndo = { faces: faces.map(placementOf), portraits: persons.flatMap(portraitOf) };
  if (options.withPersonFields) undo.persons = persons.map(personRecordOf);
  return undo;
}

/** Checks a record handed back by a client: ids, one placement per face, a size that fits one transaction. */
export function checkedUndo(undo: FacesUndo): FacesUndo {
  if (undo.faces.length === 0 && (undo.persons ?? []).length === 0)
    throw new FrsError('INVALID_INPUT', 'The undo record names no faces and no persons.');
  if (undo.faces.length > MAX_UNDO_FACES)
    throw new FrsError('INVALID_INPUT', `At most ${MAX_UNDO_FACES} faces in one undo (got ${undo.faces.length}).`);
  const seen = new Set<number>();
  for (const f of undo.faces) {
    if (seen.has(f.faceId)) throw new FrsError('INVALID_INPUT', `Face ${f.faceId} appears twice in the undo record.`);
    seen.add(f.faceId);
  }
  return undo;
}

/** Applies a record in the caller's transaction. */
export async function restore(tx: RepositoryOps, undo: FacesUndo): Promise<RestoreOutcome> {
  const faceIds = undo.faces.map((f) => f.faceId);
  const current = faceIds.length > 0 ? await tx.getFaces(faceIds) : [];
  const found = new Set(current.map((f) => f.id));
  const missingFaces = faceIds.filter((id) => !found.has(id));
  if (missingFaces.length > 0)
    throw new FrsError('NOT_FOUND', `Cannot undo: face(s) ${missingFaces.slice(0, 10).join(', ')} no longer exist.`);

  // Persons the faces return to (or whose fields come back) that are gone: new ones stand in.
  const records = new Map((undo.persons ?? []).map((p) => [p.id, p]));
  const wanted = [
    ...new Set([...undo.faces.map((f) => f.personId), ...records.keys()].filter((id): id is number => id !== null)),
  ];
  const existing = new Set((await tx.personSummaries(wanted)).map((p) => p.id));
  const gone = wanted.filter((id) => !existing.has(id));
  const created = gone.length > 0 ? await tx.createPersons(gone.map((id) => newPersonFrom(records.get(id)))) : [];
  const now = new Map(gone.map((id, i) => [id, created[i]]));
  const to = (id: number) => now.get(id) ?? id;

  for (const p of records.values()) {
    await tx.updatePerson(to(p.id), {
      ...(existing.has(p.id) ? { name: p.name } : {}),
      rank: p.rank,
      appointment: p.appointment,
      type: p.type,
      hidden: p.hidden,
    });
  }
  // The faces, the persons they leave and the persons they rejoin change: the next recognise
  // regroups their components (grouping index, src/pipeline/incremental-grouping.ts).
  const leaving = current.map((f) => f.personId).filter((id): id is number => id !== null);
  await tx.markGroupingDirty({
    faceIds,
    personIds: [...new Set([...leaving, ...wanted.filter((id) => existing.has(id))])],
  });
  const changed = await tx.restoreFaces(
    undo.faces.map((f) => ({ ...f, personId: f.personId === null ? null : to(f.personId) })),
  );

  const touched = [
    ...new Set([...current.map((f) => f.personId).filter((id): id is number => id !== null), ...wanted.map(to)]),
  ];
  await tx.tidyPersons(touched);
  await restorePortraits(tx, undo.portraits, to);
  await tx.fillPortraits(touched);
  return { faces: changed, recreatedPersons: gone.map((was) => ({ was, now: to(was) })) };
}

/** A gone person's fields; a generated name stays generated (the new person gets its own). */
function newPersonFrom(record: PersonRecord | undefined) {
  if (!record) return { name: null };
  const name = record.nameIsGenerated ? null : record.name;
  return { name, rank: record.rank, appointment: record.appointment, type: record.type };
}

/** Portraits back where their face is the person's again; a portrait chosen since then stays. */
async function restorePortraits(
  tx: RepositoryOps,
  portraits: PortraitPlacement[],
  to: (id: number) => number,
): Promise<void> {
  if (portraits.length === 0) return;
  const owners = new Map((await tx.getFaces(portraits.map((p) => p.faceId))).map((f) => [f.id, f.personId]));
  for (const p of portraits) {
    const personId = to(p.personId);
    if (owners.get(p.faceId) !== personId) continue;
    if (p.chosen) await tx.choosePortrait(personId, p.faceId);
    else await tx.setPortraits([{ personId, faceId: p.faceId, mediaFileId: p.mediaFileId }]);
  }
}
