/** Faces no person holds, with the most similar persons suggested: one click assigns. */
import { useState } from 'preact/hooks';
import { faces } from '../api';
import { ErrorBox, FaceImage, Pager } from '../components';
import { attempt, useNotify } from '../notices';
import { href } from '../router';
import { useSelection } from '../selection';
import { useThumbnailBatches } from '../thumbnails';
import { useAsync } from '../use-async';
import { FaceActions, restoredText } from './face-actions';

const PAGE_SIZE = 48;

export function UnassignedView() {
  const notify = useNotify();
  const [page, setPage] = useState(1);
  const list = useAsync(() => faces.unassigned(page, PAGE_SIZE), [page]);
  const items = list.data?.items ?? [];
  const selection = useSelection(items.map((f) => f.id));
  const thumbs = useThumbnailBatches(
    items.map((f) => f.id),
    PAGE_SIZE,
  );
  return (
    <section aria-labelledby="unassigned-title">
      <div class="toolbar">
        <h1 id="unassigned-title">Unassigned faces</h1>
        {list.data && <span class="muted">{list.data.total} faces</span>}
        <button type="button" onClick={selection.selectAll}>
          Select all
        </button>
      </div>
      {selection.selected.size > 0 && (
        <FaceActions selection={selection} owner={null} onChanged={() => list.reload()} />
      )}
      <ErrorBox error={list.error} />
      <ul class="unassigned-list">
        {items.map((f) => (
          <li
            key={f.id}
            class={`unassigned-face${selection.selected.has(f.id) ? ' selected' : ''}`}
            data-face-id={f.id}
          >
            <button
              type="button"
              class="face-button"
              aria-pressed={selection.selected.has(f.id)}
              onClick={(e) => selection.toggle(f.id, e.shiftKey)}
            >
              <FaceImage faceId={f.id} alt={`Face ${f.id}`} thumbs={thumbs} size={96} />
            </button>
            <div class="suggestions">
              <a href={href.photo(f.mediaItemId)} class="muted">
                {f.fileName ?? `Photo ${f.mediaItemId}`}
              </a>
              {(f.suggestions ?? []).map((s) => (
                <button
                  type="button"
                  key={s.personId}
                  class="suggestion"
                  onClick={() =>
                    void attempt(notify, async () => {
                      const { undo } = await faces.move([f.id], s.personId);
                      notify(`Assigned to ${s.name ?? `Person ${s.personId}`}.`, {
                        undo: async () => {
                          const restored = await faces.restore(undo);
                          list.reload();
                          return restoredText(restored);
                        },
                      });
                      list.reload();
                    })
                  }
                >
                  {s.name ?? `Person ${s.personId}`} <span class="similarity">{Math.round(s.similarity * 100)}%</span>
                </button>
              ))}
              {(f.suggestions ?? []).length === 0 && <span class="muted">No similar person</span>}
            </div>
          </li>
        ))}
      </ul>
      {list.data && items.length === 0 && <p class="muted">Every face belongs to a person.</p>}
      {list.data && <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={setPage} />}
    </section>
  );
}
