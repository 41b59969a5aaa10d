/**
 * RepositoryOps over one better-sqlite3 connection. The SQL work is synchronous; `gate`
 * decides how it is scheduled (queued behind transactions, or directly inside one) and
 * turns driver errors into DATABASE_ERROR.
 */
import type Database from 'better-sqlite3';
import type {
  EmbeddingUpdate, EnqueueOptions, FaceAssignment, NewFace, NewPerson, PortraitUpdate, RegisterMediaFileInput, RepositoryOps,
} from '../repository.js';
import * as coordination from './sqlite-coordination.js';
import * as faces from './sqlite-faces.js';
import * as items from './sqlite-items.js';

export type Gate = <T>(action: string, work: () => T) => Promise<T>;

export class SqliteOperations implements RepositoryOps {
  constructor(
    protected readonly db: Database.Database,
    private readonly gate: Gate,
  ) {}

  registerMediaFile(input: RegisterMediaFileInput) {
    return this.gate('registering a media file', () => items.registerMediaFile(this.db, input));
  }
  getMediaItem(id: number) {
    return this.gate('reading a media item', () => items.getMediaItem(this.db, id));
  }
  claimPendingItems(owner: string, limit: number, leaseSeconds: number, maxAttempts: number, onlyItemId?: number) {
    return this.gate('claiming media items', () => items.claimPendingItems(this.db, owner, limit, leaseSeconds, maxAttempts, onlyItemId));
  }
  renewLease(itemId: number, owner: string, leaseSeconds: number) {
    return this.gate('renewing a lease', () => items.renewLease(this.db, itemId, owner, leaseSeconds));
  }
  completeItem(itemId: number, owner: string, newFaces: NewFace[]) {
    return this.gate('saving detected faces', () => items.completeItem(this.db, itemId, owner, newFaces));
  }
  failItem(itemId: number, owner: string, error: string, maxAttempts: number, retryDelaySeconds = 0) {
    return this.gate('recording a failed item', () => items.failItem(this.db, itemId, owner, error, maxAttempts, retryDelaySeconds));
  }
  retryFailedItems() {
    return this.gate('retrying failed items', () => items.retryFailedItems(this.db));
  }
  facesOfItem(itemId: number) {
    return this.gate('reading faces of an item', () => items.facesOfItem(this.db, itemId));
  }
  facesWithoutEmbedding(model: string, limit: number) {
    return this.gate('listing faces to embed', () => faces.facesWithoutEmbedding(this.db, model, limit));
  }
  setEmbeddings(updates: EmbeddingUpdate[]) {
    return this.gate('saving embeddings', () => faces.setEmbeddings(this.db, updates));
  }
  facesForGrouping(model: string) {
    return this.gate('reading faces to group', () => faces.facesForGrouping(this.db, model));
  }
  groupingFingerprint(model: string) {
    return this.gate('reading the grouping fingerprint', () => faces.groupingFingerprint(this.db, model));
  }
  hasUngroupedFaces(model: string) {
    return this.gate('looking for faces not grouped yet', () => faces.hasUngroupedFaces(this.db, model));
  }
  markFacesGrouped(faceIds: number[]) {
    return this.gate('marking faces grouped', () => faces.markFacesGrouped(this.db, faceIds));
  }
  assignFaces(assignments: FaceAssignment[]) {
    return this.gate('assigning faces', () => faces.assignFaces(this.db, assignments));
  }
  verifyFaces(assignments: FaceAssignment[]) {
    return this.gate('verifying faces', () => faces.verifyFaces(this.db, assignments));
  }
  tidyPersons(personIds: number[]) {
    return this.gate('tidying persons', () => faces.tidyPersons(this.db, personIds));
  }
  createPersons(persons: number | NewPerson[]) {
    return this.gate('creating persons', () => faces.createPersons(this.db, persons));
  }
  setPortraits(updates: PortraitUpdate[]) {
    return this.gate('setting portraits', () => faces.setPortraits(this.db, updates));
  }
  listPersons() {
    return this.gate('listing persons', () => faces.listPersons(this.db));
  }
  getPerson(id: number) {
    return this.gate('reading a person', () => faces.getPerson(this.db, id));
  }
  acquireLock(name: string, owner: string, ttlSeconds: number) {
    return this.gate('acquiring a lock', () => coordination.acquireLock(this.db, name, owner, ttlSeconds));
  }
  releaseLock(name: string, owner: string) {
    return this.gate('releasing a lock', () => coordination.releaseLock(this.db, name, owner));
  }
  enqueueRequest(kind: string, options?: EnqueueOptions) {
    return this.gate('queueing a request', () => coordination.enqueueRequest(this.db, kind, options));
  }
  takeRequest(kind: string) {
    return this.gate('taking a request', () => coordination.takeRequest(this.db, kind));
  }
  finishRequest(id: number, status: 'done' | 'failed', result?: unknown) {
    return this.gate('finishing a request', () => coordination.finishRequest(this.db, id, status, result));
  }
  getRequest(id: number) {
    return this.gate('reading a request', () => coordination.getRequest(this.db, id));
  }
  stats() {
    return this.gate('counting', () => coordination.stats(this.db));
  }
}
