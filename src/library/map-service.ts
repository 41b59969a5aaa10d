/**
 * The persons map (GET /api/map): UMAP over person centroids (src/clustering/person-map.ts),
 * with names and portraits. A layout takes seconds on big libraries, so it is cached per
 * repository and recomputed only when the grouping fingerprint says the faces changed.
 */
import type { Repository } from '../data/repository.js';
import { layoutPersonMap, MAP_DEFAULTS, personCentroids, type PersonMapOptions } from '../clustering/person-map.js';

export interface PersonMapPoint {
  personId: number;
  name: string | null;
  faceCount: number;
  portraitFaceId: number | null;
  x: number;
  y: number;
}

export interface PersonMap {
  points: PersonMapPoint[];
  /** Persons with faces of this model; `points` holds at most maxPersons of them, largest first. */
  totalPersons: number;
  model: string;
}

interface CacheEntry {
  key: string;
  map: Promise<PersonMap>;
}

const cache = new WeakMap<Repository, CacheEntry>();

export async function personMap(repo: Repository, model: string, options: PersonMapOptions = {}): Promise<PersonMap> {
  const key = `${model}|${JSON.stringify(options)}|${await repo.groupingFingerprint(model)}`;
  const hit = cache.get(repo);
  if (hit?.key === key) return hit.map;
  const map = computeMap(repo, model, options);
  cache.set(repo, { key, map });
  map.catch(() => {
    if (cache.get(repo)?.map === map) cache.delete(repo);
  });
  return map;
}

async function computeMap(repo: Repository, model: string, options: PersonMapOptions): Promise<PersonMap> {
  const { maxPersons, maxFacesPerPerson } = { ...MAP_DEFAULTS, ...options };
  const [faces, persons] = await Promise.all([repo.facesForGrouping(model), repo.listPersons()]);
  const centroids = personCentroids(faces, maxPersons, maxFacesPerPerson);
  const totalPersons = new Set(faces.map((f) => f.personId).filter((id) => id !== null)).size;
  const byId = new Map(persons.map((p) => [p.id, p]));
  const points = layoutPersonMap(centroids, options).map((p) => {
    const person = byId.get(p.personId);
    return { ...p, name: person?.name ?? null, portraitFaceId: person?.portraitFaceId ?? null };
  });
  return { points, totalPersons, model };
}
