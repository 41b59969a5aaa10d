/** Hash routes (#/persons/12), so the static host needs no rewrites and links are shareable. */
import { useEffect, useState } from 'preact/hooks';

export { parseRoute, type Route } from './route';
import { parseRoute, type Route } from './route';

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
