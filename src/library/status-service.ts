/** The library at a glance, for the people app's status view: counts, last activity, queue. */
import type { LibraryActivity, Repository, RepositoryStats } from '../data/repository.js';

export interface LibraryStatus {
  photos: { total: number; pending: number; processing: number; done: number; failed: number };
  faces: { total: number; withEmbedding: number; unassigned: number; verified: number };
  persons: number;
  lastProcessedAt: string | null;
  lastRecluster: { id: number; status: string; finishedAt: string | null; result: unknown } | null;
  queuedReclusters: number;
  queuedRequests: number;
}

export async function libraryStatus(repo: Repository): Promise<LibraryStatus> {
  const [stats, activity] = await Promise.all([repo.stats(), repo.activity()]);
  return summarise(stats, activity);
}

export function summarise(stats: RepositoryStats, activity: LibraryActivity): LibraryStatus {
  const { items } = stats;
  const last = activity.lastRecluster;
  return {
    photos: { total: items.pending + items.processing + items.done + items.failed, ...items },
    faces: {
      total: stats.faces,
      withEmbedding: stats.facesWithEmbedding,
      unassigned: stats.unassignedFaces,
      verified: stats.verifiedFaces,
    },
    persons: stats.persons,
    lastProcessedAt: activity.lastProcessedAt,
    lastRecluster: last ? { id: last.id, status: last.status, finishedAt: last.finishedAt, result: last.result } : null,
    queuedReclusters: activity.queuedReclusters,
    queuedRequests: stats.queuedRequests,
  };
}
