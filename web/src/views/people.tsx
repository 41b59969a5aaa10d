/** The people grid: portraits, names and face counts, largest first; search, hidden filter, paging, merge. */
import { useEffect, useState } from 'preact/hooks';
import { faces, people, PEOPLE_PAGE_SIZE, personLabel, type Person } from '../api';
import { ErrorBox, Pager, PersonCard, portraitIds } from '../components';
import { attempt, useNotify } from '../notices';
import { useSelection } from '../selection';
import { useThumbnailBatches } from '../thumbnails';
import { restoredText } from './face-actions';
import { useAsync } from '../use-async';

/** Cards a large desktop screen shows at once: their portraits come in the first batch. */
const FIRST_SCREEN = 32;

export function PeopleView() {
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [hidden, setHidden] = useState('false');
  const [page, setPage] = useState(1);
  const notify = useNotify();
  useEffect(() => {
    const t = setTimeout(() => {
      setQuery(search.trim());
      setPage(1);
    }, 250);
    return () => clearTimeout(t);
  }, [search]);
  const list = useAsync(
    () => people.list({ search: query, page, pageSize: PEOPLE_PAGE_SIZE, hidden }),
    [query, page, hidden],
  );
  const items = list.data?.items ?? [];
  const selection = useSelection(items.map((p) => p.id));
  // The page's portraits in two requests: the first screen's, then the rest.
  const thumbs = useThumbnailBatches(portraitIds(items), FIRST_SCREEN);
  const chosen = items.filter((p) => selection.selected.has(p.id));

  const merge = (target: Person) =>
    attempt(notify, async () => {
      const sources = chosen.filter((p) => p.id !== target.id);
      const merged = await people.merge(
        target.id,
        sources.map((p) => p.id),
      );
      const moved = merged.movedFaceIds.length;
      selection.clear();
      list.reload();
      notify(
        `Merged ${sources.map(personLabel).join(', ')} into ${personLabel(target)}: ${moved} face${moved === 1 ? '' : 's'} moved.`,
        {
          // The merged persons come back (under new ids) with their fields and faces.
          undo: async () => {
            const restored = await faces.restore(merged.undo);
            list.reload();
            return restoredText(restored);
          },
        },
      );
    });

  return (
    <section aria-labelledby="people-title">
      <div class="toolbar">
        <h1 id="people-title">People</h1>
        <input
          type="search"
          placeholder="Search by name"
          aria-label="Search by name"
          value={search}
          onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
        />
        <label>
          Show{' '}
          <select
            value={hidden}
            onChange={(e) => {
              setHidden((e.target as HTMLSelectElement).value);
              setPage(1);
            }}
          >
            <option value="false">visible</option>
            <option value="true">hidden</option>
            <option value="all">all</option>
          </select>
        </label>
        {list.data && <span class="muted">{list.data.total} persons</span>}
      </div>
      {chosen.length > 0 && (
        <div class="action-bar" role="region" aria-label="Selected persons">
          <span>{chosen.length} selected</span>
          {chosen.length >= 2 &&
            chosen.map((p) => (
              <button type="button" key={p.id} class="merge-into" onClick={() => void merge(p)}>
                Merge into {personLabel(p)}
              </button>
            ))}
          <button type="button" onClick={selection.clear}>
            Clear
          </button>
        </div>
      )}
      <ErrorBox error={list.error} />
      <ul class={`person-grid${list.loading ? ' loading' : ''}`} aria-busy={list.loading}>
        {items.map((p, i) => (
          <PersonCard
            key={p.id}
            person={p}
            eager={i < FIRST_SCREEN}
            thumbs={thumbs}
            selected={selection.selected.has(p.id)}
            onSelect={(shift) => selection.toggle(p.id, shift)}
          />
        ))}
      </ul>
      {list.data && !list.loading && items.length === 0 && <p class="muted">No persons here.</p>}
      {list.data && <Pager page={page} pageSize={PEOPLE_PAGE_SIZE} total={list.data.total} onPage={setPage} />}
    </section>
  );
}
