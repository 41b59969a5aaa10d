/** Hash routes (#/persons/12), so the static host needs no rewrites and links are shareable. */
import { useEffect, useState } from 'preact/hooks';

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

export const href = {
  people: () => '#/',
  person: (id: number) => `#/persons/${id}`,
  photo: (id: number) => `#/photos/${id}`,
};

export function navigate(to: string): void {
  location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
