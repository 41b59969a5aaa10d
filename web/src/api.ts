/**
 * The people API as the app uses it. The app is served at <prefix>/app/ (/api/app/ by
 * `frs serve` and by the Function App), so the API is one folder up, whatever the host.
 */
export interface Person {
  id: number;
  name: string | null;
  /** True while `name` is the generated Unknown-<id>: shown, but the name field starts empty. */
  nameIsGenerated?: boolean;
  displayName?: string | null;
  rank: string | null;
  appointment: string | null;
  type: string | null;
  hidden: boolean;
  faceCount: number;
  portraitFaceId: number | null;
  portraitUrl?: string | null;
}

/** [x1, y1, x2, y2] in original pixels, or an {x, y, width, height} object. */
export type Box = number[] | { x: number; y: number; width: number; height: number } | null;

export interface Face {
  id: number;
  mediaItemId: number;
  fileName?: string | null;
  filePath?: string | null;
  box?: Box;
  boundingBox?: Box;
  isUserVerified?: boolean;
  personId?: number | null;
  suggestions?: Suggestion[];
}

export interface Suggestion {
  personId: number;
  name: string | null;
  similarity: number;
}

/** What an action answers to take it back: handed to faces.restore as it came (src/people/undo.ts). */
export interface Undo {
  faces: unknown[];
  portraits: unknown[];
  persons?: unknown[];
}

export interface Restored {
  faces: number;
  /** Persons that were gone (merged, or emptied) and came back under a new id. */
  recreatedPersons: Array<{ was: number; now: number }>;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface PhotoFace {
  id: number;
  box?: Box;
  boundingBox?: Box;
  personId: number | null;
  personName: string | null;
}

export interface Photo {
  id: number;
  fileName: string | null;
  filePath: string | null;
  width?: number | null;
  height?: number | null;
  faces: PhotoFace[];
}

export interface MapPoint {
  personId: number;
  name: string | null;
  faceCount: number;
  portraitFaceId: number | null;
  x: number;
  y: number;
}

export interface LibraryStatus {
  photos: { total: number; pending: number; processing: number; done: number; failed: number };
  faces: { total: number; withEmbedding: number; unassigned: number; verified: number };
  persons: number;
  lastProcessedAt: string | null;
  lastRecluster: { id: number; status: string; finishedAt: string | null; result: unknown } | null;
  queuedReclusters: number;
}

export const API_BASE = new URL('../', document.baseURI);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function apiUrl(path: string, query: Record<string, string | number | undefined> = {}): string {
  const url = new URL(path.replace(/^\//, ''), API_BASE); // an absolute URL stays as it is
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  return url.toString();
}

export async function api<T>(method: string, path: string, body?: unknown, query = {}): Promise<T> {
  const res = await fetch(apiUrl(path, query), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? res.statusText);
  }
  return data as T;
}

export const faceThumb = (faceId: number) => apiUrl(`faces/${faceId}/thumbnail`);

/** The most thumbnails one batch request carries (the API's limit). */
export const THUMBNAIL_BATCH = 100;

/** Thumbnails in one request (GET faces/thumbnails), as data: URLs by face id; missing ones are left out. */
export async function thumbnailBatch(faceIds: number[]): Promise<Map<number, string>> {
  const batch = await api<{ thumbnails: Array<{ faceId: number; contentType: string; data: string }> }>(
    'GET',
    'faces/thumbnails',
    undefined,
    { ids: faceIds.join(',') },
  );
  return new Map(batch.thumbnails.map((t) => [t.faceId, `data:${t.contentType};base64,${t.data}`]));
}
export const photoImage = (mediaItemId: number) => apiUrl(`media/${mediaItemId}/image`);

export function personLabel(p: { name?: string | null; displayName?: string | null; id: number }): string {
  return p.displayName || p.name || `Person ${p.id}`;
}

/** The box as left/top/width/height in pixels. */
export function boxRect(face: { box?: Box; boundingBox?: Box }): { x: number; y: number; w: number; h: number } | null {
  const box = face.box ?? face.boundingBox;
  if (!box) return null;
  if (Array.isArray(box)) return { x: box[0], y: box[1], w: box[2] - box[0], h: box[3] - box[1] };
  return { x: box.x, y: box.y, w: box.width, h: box.height };
}

export interface PersonsQuery {
  search?: string;
  page: number;
  pageSize: number;
  hidden: string;
}

/** The people grid's page size; its first page is asked for before the app starts (preload.ts). */
export const PEOPLE_PAGE_SIZE = 60;
export const FIRST_PEOPLE_PAGE: PersonsQuery = { search: '', page: 1, pageSize: PEOPLE_PAGE_SIZE, hidden: 'false' };
/** One URL per query (the parameters always in this order), so a preloaded page is found again. */
export const personsUrl = (q: PersonsQuery) =>
  apiUrl('persons', { search: q.search, page: q.page, pageSize: q.pageSize, hidden: q.hidden });

export const people = {
  list: (q: PersonsQuery) => api<Page<Person>>('GET', personsUrl(q)),
  get: (id: number, page: number, pageSize: number) =>
    api<{ person: Person; faces: Page<Face> }>('GET', `persons/${id}`, undefined, { page, pageSize }),
  update: (id: number, patch: Partial<Pick<Person, 'name' | 'rank' | 'appointment' | 'type' | 'hidden'>>) =>
    api<Person>('PATCH', `persons/${id}`, patch),
  remove: (id: number) => api<{ personId: number; facesUnassigned: number; undo: Undo }>('DELETE', `persons/${id}`),
  create: (faceIds: number[], name?: string) => api<Person & { undo: Undo }>('POST', 'persons', { name, faceIds }),
  merge: (id: number, personIds: number[]) =>
    api<{ person: Person; mergedPersonIds: number[]; movedFaceIds: number[]; undo: Undo }>(
      'POST',
      `persons/${id}/merge`,
      { personIds },
    ),
  portrait: (id: number, faceId: number) => api<unknown>('PUT', `persons/${id}/portrait`, { faceId }),
};

interface Changed {
  faces: number;
  undo: Undo;
}

export const faces = {
  move: (faceIds: number[], personId: number) => api<Changed>('POST', 'faces/move', { faceIds, personId }),
  unassign: (faceIds: number[]) => api<Changed>('POST', 'faces/unassign', { faceIds }),
  verify: (faceIds: number[]) => api<Changed>('POST', 'faces/verify', { faceIds }),
  reject: (faceIds: number[]) => api<Changed>('POST', 'faces/reject', { faceIds }),
  /** Undo: hands back what an action answered. */
  restore: (undo: Undo) => api<Restored>('POST', 'faces/restore', undo),
  unassigned: (page: number, pageSize: number) =>
    api<Page<Face>>('GET', 'faces/unassigned', undefined, { page, pageSize }),
};

export const media = {
  get: (id: number) => api<Photo>('GET', `media/${id}`),
};

export const library = {
  status: () => api<LibraryStatus>('GET', 'status'),
  map: () => api<{ points: MapPoint[]; totalPersons: number }>('GET', 'map'),
  recluster: () => api<{ status: string; requestId?: number; summary?: unknown }>('POST', 'recluster'),
  reclusterRequest: (id: number) => api<{ status: string; result: unknown }>('GET', `recluster/${id}`),
};
