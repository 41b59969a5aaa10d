/** RepositoryOps over an mssql scope (the pool, or one transaction); driver errors become DATABASE_ERROR. */
import { databaseError } from '../database-error.js';
import type {
  EmbeddingUpdate, EnqueueOptions, FaceAssignment, NewFace, NewPerson, PortraitUpdate, RegisterMediaFileInput, RepositoryOps,
} from '../repository.js';
import * as coordination from './mssql-coordination.js';
import * as faces from './mssql-faces.js';
import * as items from './mssql-items.js';
import type { MssqlScope } from './mssql-scope.js';

async function attempt<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw databaseError(action, err);
  }
}

export class MssqlOperations implements RepositoryOps {
  constructor(protected readonly scope: MssqlScope) {}

  registerMediaFile(input: RegisterMediaFileInput) {
    return attempt('registering a media file', () => items.registerMediaFile(this.scope, input));
  }
  getMediaItem(id: number) {
    return attempt('reading a media item', () => items.getMediaItem(this.scope, id));
  }
  claimPendingItems(owner: string, limit: number, leaseSeconds: number, maxAttempts: number, onlyItemId?: number) {
    return attempt('claiming media items', () => items.claimPendingItems(this.scope, owner, limit, leaseSeconds, maxAttempts, onlyItemId));
  }
  renewLease(itemId: number, owner: string, leaseSeconds: number) {
    return attempt('renewing a lease', () => items.renewLease(this.scope, itemId, owner, leaseSeconds));
  }
  completeItem(itemId: number, owner: string, newFaces: NewFace[]) {
    return attempt('saving detected faces', () => items.completeItem(this.scope, itemId, owner, newFaces));
  }
  failItem(itemId: number, owner: string, error: string, maxAttempts: number, retryDelaySeconds = 0) {
    return attempt('recording a failed item', () => items.failItem(this.scope, itemId, owner, error, maxAttempts, retryDelaySeconds));
  }
  retryFailedItems() {
    return attempt('retrying failed items', () => items.retryFailedItems(this.scope));
  }
  facesOfItem(itemId: number) {
    return attempt('reading faces of an item', () => items.facesOfItem(this.scope, itemId));
  }
  facesWithoutEmbedding(model: string, limit: number) {
    return attempt('listing faces to embed', () => faces.facesWithoutEmbedding(this.scope, model, limit));
  }
  setEmbeddings(updates: EmbeddingUpdate[]) {
    return attempt('saving embeddings', () => faces.setEmbeddings(this.scope, updates));
  }
  facesForGrouping(model: string) {
    return attempt('reading faces to group', () => faces.facesForGrouping(this.scope, model));
  }
  groupingFingerprint(model: string) {
    return attempt('reading the grouping fingerprint', () => faces.groupingFingerprint(this.scope, model));
  }
  hasUngroupedFaces(model: string) {
    return attempt('looking for faces not grouped yet', () => faces.hasUngroupedFaces(this.scope, model));
  }
  markFacesGrouped(faceIds: number[]) {
    return attempt('marking faces grouped', () => faces.markFacesGrouped(this.scope, faceIds));
  }
  assignFaces(assignments: FaceAssignment[]) {
    return attempt('assigning faces', () => faces.assignFaces(this.scope, assignments));
  }
  verifyFaces(assignments: FaceAssignment[]) {
    return attempt('verifying faces', () => faces.verifyFaces(this.scope, assignments));
  }
  tidyPersons(personIds: number[]) {
    return attempt('tidying persons', () => faces.tidyPersons(this.scope, personIds));
  }
  createPersons(persons: number | NewPerson[]) {
    return attempt('creating persons', () => faces.createPersons(this.scope, persons));
  }
  setPortraits(updates: PortraitUpdate[]) {
    return attempt('setting portraits', () => faces.setPortraits(this.scope, updates));
  }
  listPersons() {
    return attempt('listing persons', () => faces.listPersons(this.scope));
  }
  getPerson(id: number) {
    return attempt('reading a person', () => faces.getPerson(this.scope, id));
  }
  acquireLock(name: string, owner: string, ttlSeconds: number) {
    return attempt('acquiring a lock', () => coordination.acquireLock(this.scope, name, owner, ttlSeconds));
  }
  releaseLock(name: string, owner: string) {
    return attempt('releasing a lock', () => coordination.releaseLock(this.scope, name, owner));
  }
  enqueueRequest(kind: string, options?: EnqueueOptions) {
    return attempt('queueing a request', () => coordination.enqueueRequest(this.scope, kind, options));
  }
  takeRequest(kind: string) {
    return attempt('taking a request', () => coordination.takeRequest(this.scope, kind));
  }
  finishRequest(id: number, status: 'done' | 'failed', result?: unknown) {
    return attempt('finishing a request', () => coordination.finishRequest(this.scope, id, status, result));
  }
  getRequest(id: number) {
    return attempt('reading a request', () => coordination.getRequest(this.scope, id));
  }
  stats() {
    return attempt('counting', () => coordination.stats(this.scope));
  }
}
