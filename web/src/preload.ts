/**
 * Runs before the app's bundle (a classic script in index.html's head): on the people grid it
 * asks for the first page of persons at once, as a preload the app's own request then picks up,
 * so that request does not wait for the bundle to arrive and start (bench/people-grid.ts).
 */
import { FIRST_PEOPLE_PAGE, personsUrl } from './api';
import { parseRoute } from './route';

if (parseRoute(location.hash).view === 'people') {
  const link = document.createElement('link');
  link.rel = 'preload';
  link.as = 'fetch';
  link.crossOrigin = 'anonymous'; // as fetch() asks for it: cors mode, same-origin credentials
  link.href = personsUrl(FIRST_PEOPLE_PAGE);
  document.head.appendChild(link);
}
