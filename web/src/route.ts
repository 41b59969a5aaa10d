/** What a hash (#/persons/12) names; no view code, so the preload script can use it too. */
export type Route =
  | { view: 'people' }
  | { view: 'person'; id: number }
  | { view: 'unassigned' }
  | { view: 'photo'; id: number }
  | { view: 'status' }
  | { view: 'map' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const id = Number(parts[1]);
  if (parts[0] === 'persons' && Number.isInteger(id)) return { view: 'person', id };
  if (parts[0] === 'photos' && Number.isInteger(id)) return { view: 'photo', id };
  if (parts[0] === 'unassigned') return { view: 'unassigned' };
  if (parts[0] === 'status') return { view: 'status' };
  if (parts[0] === 'map') return { view: 'map' };
  return { view: 'people' };
}
