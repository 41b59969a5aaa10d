/** The FRS people app: navigation and the views (people, person, unassigned, photo, map, library). */
import { render } from 'preact';
import { NoticeProvider } from './notices';
import { useRoute, type Route } from './router';
import { MapView } from './views/map';
import { PeopleView } from './views/people';
import { PersonView } from './views/person';
import { PhotoView } from './views/photo';
import { StatusView } from './views/status';
import { UnassignedView } from './views/unassigned';

const NAV: Array<{ view: Route['view']; label: string; hash: string }> = [
  { view: 'people', label: 'People', hash: '#/' },
  { view: 'unassigned', label: 'Unassigned', hash: '#/unassigned' },
  { view: 'map', label: 'Map', hash: '#/map' },
  { view: 'status', label: 'Library', hash: '#/status' },
];

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'person':
      return <PersonView id={route.id} />;
    case 'photo':
      return <PhotoView id={route.id} />;
    case 'unassigned':
      return <UnassignedView />;
    case 'status':
      return <StatusView />;
    case 'map':
      return <MapView />;
    default:
      return <PeopleView />;
  }
}

function App() {
  const route = useRoute();
  return (
    <NoticeProvider>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">FRS</span>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <a key={n.view} href={n.hash} aria-current={route.view === n.view ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <View route={route} />
      </main>
    </NoticeProvider>
  );
}

render(<App />, document.getElementById('app')!);
