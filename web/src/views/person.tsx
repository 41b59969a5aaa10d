/** One person: inline edits, hide, portrait, delete, their faces (lazy, paged) and the photos they are in. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { faces, people, personLabel, type Face, type Person } from '../api';
import { ErrorBox, FaceTile, Portrait } from '../components';
import { attempt, useNotify } from '../notices';
import { href, navigate } from '../router';
import { useSelection } from '../selection';
import { useThumbnailBatches } from '../thumbnails';
import { FaceActions, restoredText } from './face-actions';

const PAGE_SIZE = 120;
/** Face tiles a large desktop screen shows at once. */
const FIRST_SCREEN = 48;

export function PersonView({ id }: { id: number }) {
  const notify = useNotify();
  const [person, setPerson] = useState<Person | null>(null);
  const [faceList, setFaceList] = useState<Face[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<Error | null>(null);
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(false);
  const selection = useSelection(faceList.map((f) => f.id));
  // The faces' thumbnails in batches: the first screen's first, then each page's as it comes.
  const thumbs = useThumbnailBatches(
    faceList.map((f) => f.id),
    FIRST_SCREEN,
  );

  // After a change (or for another person) every page shown is read again; "more" reads one page.
  const shown = useRef({ id, pages: 1 });
  const load = (from: number, to: number, replace: boolean) => {
    setLoading(true);
    const asked = id;
    // Each request at most PAGE_SIZE faces: the API's pages stay small however many faces a person has.
    return Promise.all(Array.from({ length: to - from + 1 }, (_, i) => people.get(id, from + i, PAGE_SIZE))).then(
      (answers) => {
        if (shown.current.id !== asked) return;
        const last = answers[answers.length - 1];
        setPerson(last.person);
        setFaceList((list) => [...(replace ? [] : list), ...answers.flatMap((a) => a.faces.items)]);
        setTotal(last.faces.total);
        shown.current.pages = to;
        setError(null);
        setLoading(false);
      },
      (e: Error) => {
        if (shown.current.id !== asked) return;
        setError(e);
        setLoading(false);
      },
    );
  };
  useEffect(() => {
    if (shown.current.id !== id) {
      shown.current = { id, pages: 1 };
      selection.clear();
    }
    void load(1, shown.current.pages, true);
  }, [id, version]);
  const loadMore = () => {
    if (!loading) void load(shown.current.pages + 1, shown.current.pages + 1, false);
  };
  const more = faceList.length < total;
  // More faces come as the list scrolls to its end, or with "Show more".
  const end = useNearEnd(loadMore, more && !loading);

  if (!person) return error ? <ErrorBox error={error} /> : <p class="muted">Loading…</p>;
  const reload = () => setVersion((v) => v + 1);
  // Field edits and hiding are undone by writing the values back (a generated name is written
  // back as it was, so it still counts as generated).
  const save = (patch: Partial<Person>, done: string) =>
    attempt(notify, async () => {
      const before = Object.fromEntries(Object.keys(patch).map((k) => [k, person[k as keyof Person]]));
      const updated = await people.update(person.id, patch);
      setPerson({ ...person, ...patch, ...(updated && typeof updated === 'object' ? updated : {}) });
      notify(done, {
        undo: async () => {
          await people.update(person.id, before);
          reload();
        },
      });
    });
  const photos = [...new Map(faceList.map((f) => [f.mediaItemId, f])).values()];
  const one = selection.selected.size === 1 ? [...selection.selected][0] : null;

  return (
    <section aria-labelledby="person-title" class="person-view">
      <header class="person-header">
        <Portrait faceId={person.portraitFaceId} alt={personLabel(person)} />
        <div class="person-fields">
          <h1 id="person-title">{personLabel(person)}</h1>
          <EditField
            label="Name"
            value={person.nameIsGenerated ? null : person.name}
            onSave={(v) => save({ name: v }, `Renamed to ${v || 'unnamed'}.`)}
          />
          <EditField label="Rank" value={person.rank} onSave={(v) => save({ rank: v }, 'Rank saved.')} />
          <EditField
            label="Appointment"
            value={person.appointment}
            onSave={(v) => save({ appointment: v }, 'Appointment saved.')}
          />
          <p class="muted">
            {total} face{total === 1 ? '' : 's'}
            {person.hidden ? ' · hidden' : ''}
          </p>
          <div class="buttons">
            <button
              type="button"
              onClick={() => void save({ hidden: !person.hidden }, person.hidden ? 'Shown again.' : 'Hidden.')}
            >
              {person.hidden ? 'Unhide' : 'Hide'}
            </button>
            <button
              type="button"
              class="danger"
              onClick={() => {
                if (!confirm(`Delete ${personLabel(person)}? Their faces become unassigned.`)) return;
                void attempt(notify, async () => {
                  const { undo } = await people.remove(person.id);
                  navigate(href.people());
                  notify(`Deleted ${personLabel(person)}.`, {
                    // The person comes back under a new id, with its fields and faces: open it.
                    undo: async () => {
                      const restored = await faces.restore(undo);
                      const back = restored.recreatedPersons.find((r) => r.was === person.id);
                      if (back) navigate(href.person(back.now));
                      return restoredText(restored);
                    },
                  });
                });
              }}
            >
              Delete
            </button>
          </div>
        </div>
      </header>

      <div class="toolbar">
        <h2>Faces</h2>
        <button type="button" onClick={selection.selectAll}>
          Select all
        </button>
        <span class="muted">Click to select, shift-click for a range.</span>
      </div>
      {selection.selected.size > 0 && (
        <FaceActions
          selection={selection}
          owner={person}
          onChanged={(removed) => {
            setFaceList((list) => list.filter((f) => !removed.includes(f.id)));
            reload();
          }}
          extra={
            one !== null && (
              <button
                type="button"
                onClick={() =>
                  void attempt(notify, async () => {
                    await people.portrait(person.id, one);
                    setPerson({ ...person, portraitFaceId: one });
                    selection.clear();
                    notify('Portrait set.');
                  })
                }
              >
                Use as portrait
              </button>
            )
          }
        />
      )}
      <ErrorBox error={error} />
      <ul class="face-grid">
        {faceList.map((f) => (
          <FaceTile
            key={f.id}
            faceId={f.id}
            verified={f.isUserVerified}
            caption={f.fileName ?? undefined}
            thumbs={thumbs}
            selected={selection.selected.has(f.id)}
            onToggle={(shift) => selection.toggle(f.id, shift)}
          />
        ))}
      </ul>
      {more && (
        <button type="button" ref={end} disabled={loading} onClick={loadMore}>
          Show more faces ({total - faceList.length} more)
        </button>
      )}

      <h2>Photos</h2>
      <ul class="photo-list">
        {photos.map((f) => (
          <li key={f.mediaItemId}>
            <a href={href.photo(f.mediaItemId)}>{f.fileName ?? `Photo ${f.mediaItemId}`}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function EditField({
  label,
  value,
  onSave,
}: {
  label: string;
  value: string | null;
  onSave: (v: string | null) => unknown;
}) {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const commit = () => {
    const next = text.trim() || null;
    if (next !== (value ?? null)) onSave(next);
  };
  return (
    <label class="edit-field">
      <span>{label}</span>
      <input
        name={label.toLowerCase()}
        value={text}
        placeholder={`Add ${label.toLowerCase()}`}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') setText(value ?? '');
        }}
      />
    </label>
  );
}

/**
 * A ref for the element at a list's end: when it scrolls near the viewport, `onNear` runs (once
 * per `enabled` phase), so long lists grow as they are read; the element stays a button for keyboards.
 */
function useNearEnd(onNear: () => void, enabled: boolean) {
  const ref = useRef<HTMLButtonElement>(null);
  const callback = useRef(onNear);
  callback.current = onNear;
  useEffect(() => {
    const el = ref.current;
    if (!enabled || !el) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          observer.disconnect();
          callback.current();
        }
      },
      { rootMargin: '600px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [enabled]);
  return ref;
}
