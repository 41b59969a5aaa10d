/** One person: inline edits, hide, portrait, delete, their faces (lazy, paged) and the photos they are in. */
import { useEffect, useState } from 'preact/hooks';
import { people, personLabel, type Face, type Person } from '../api';
import { ErrorBox, FaceTile, Portrait } from '../components';
import { attempt, useNotify } from '../notices';
import { href, navigate } from '../router';
import { useSelection } from '../selection';
import { useThumbnailBatches } from '../thumbnails';
import { FaceActions } from './face-actions';

const PAGE_SIZE = 120;
/** Face tiles a large desktop screen shows at once. */
const FIRST_SCREEN = 48;

export function PersonView({ id }: { id: number }) {
  const notify = useNotify();
  const [person, setPerson] = useState<Person | null>(null);
  const [faceList, setFaceList] = useState<Face[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<Error | null>(null);
  const [version, setVersion] = useState(0);
  const selection = useSelection(faceList.map((f) => f.id));
  // The first screen of faces in one request; the rest load lazily, one by one, as they scroll in.
  const thumbs = useThumbnailBatches(
    faceList.slice(0, FIRST_SCREEN).map((f) => f.id),
    FIRST_SCREEN,
  );

  useEffect(() => {
    let live = true;
    people.get(id, 1, PAGE_SIZE * page).then(
      (r) => {
        if (!live) return;
        setPerson(r.person);
        setFaceList(r.faces.items);
        setTotal(r.faces.total);
        setError(null);
      },
      (e: Error) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id, page, version]);
  useEffect(() => {
    setPage(1);
    selection.clear();
  }, [id]);

  if (!person) return error ? <ErrorBox error={error} /> : <p class="muted">Loading…</p>;
  const reload = () => setVersion((v) => v + 1);
  const save = (patch: Partial<Person>, done: string) =>
    attempt(notify, async () => {
      const updated = await people.update(person.id, patch);
      setPerson({ ...person, ...patch, ...(updated && typeof updated === 'object' ? updated : {}) });
      notify(done);
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
                  await people.remove(person.id);
                  notify(`Deleted ${personLabel(person)}.`);
                  navigate(href.people());
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
      {faceList.length < total && (
        <button type="button" onClick={() => setPage((p) => p + 1)}>
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
