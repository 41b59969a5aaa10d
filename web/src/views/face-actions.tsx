/**
 * The corrections bar for selected faces, shared by the person and unassigned views: move to
 * another person (picker), new person, take out, not a face, confirm; each reports at once and
 * offers Undo, which hands the action's undo record back to the API (POST faces/restore).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { faces, people, personLabel, type Person, type Restored, type Undo } from '../api';
import { PersonPicker } from '../components';
import { attempt, useNotify } from '../notices';
import type { Selection } from '../selection';

export interface FaceActionsProps {
  selection: Selection;
  /** The person the faces belong to now; null for unassigned faces. */
  owner: Person | null;
  /** Called after any change, with the faces that left the view. */
  onChanged: (removed: number[]) => void;
  extra?: ComponentChildren;
}

export function FaceActions({ selection, owner, onChanged, extra }: FaceActionsProps) {
  const notify = useNotify();
  const [picking, setPicking] = useState(false);
  const ids = [...selection.selected];
  const n = ids.length;
  const facesText = `${n} face${n === 1 ? '' : 's'}`;
  const undoWith = (undo: Undo) => async () => {
    const restored = await faces.restore(undo);
    onChanged([]);
    return restoredText(restored);
  };

  const run = (work: () => Promise<void>) =>
    void attempt(notify, async () => {
      await work();
      selection.clear();
    });

  const moveTo = (target: Person) => {
    setPicking(false);
    run(async () => {
      const { undo } = await faces.move(ids, target.id);
      onChanged(ids);
      notify(`Moved ${facesText} to ${personLabel(target)}.`, { undo: undoWith(undo) });
    });
  };

  return (
    <div class="action-bar" role="region" aria-label="Selected faces">
      <span class="count">{n} selected</span>
      <button type="button" onClick={() => setPicking(true)}>
        Move to…
      </button>
      <button
        type="button"
        onClick={() =>
          run(async () => {
            const created = await people.create(ids);
            onChanged(ids);
            notify(`${facesText} now form ${personLabel(created)}.`, { undo: undoWith(created.undo) });
          })
        }
      >
        New person
      </button>
      {owner && (
        <button
          type="button"
          onClick={() =>
            run(async () => {
              const { undo } = await faces.unassign(ids);
              onChanged(ids);
              notify(`Took ${facesText} out of ${personLabel(owner)}.`, { undo: undoWith(undo) });
            })
          }
        >
          Take out
        </button>
      )}
      <button
        type="button"
        class="danger"
        onClick={() =>
          run(async () => {
            const { undo } = await faces.reject(ids);
            onChanged(ids);
            notify(`Marked ${facesText} as not a face.`, { undo: undoWith(undo) });
          })
        }
      >
        Not a face
      </button>
      {owner && (
        <button
          type="button"
          onClick={() =>
            run(async () => {
              const { undo } = await faces.verify(ids);
              onChanged([]);
              notify(`Confirmed ${facesText} as ${personLabel(owner)}.`, { undo: undoWith(undo) });
            })
          }
        >
          Confirm
        </button>
      )}
      {extra}
      <button type="button" class="plain" onClick={selection.clear}>
        Clear
      </button>
      {picking && (
        <PersonPicker
          title={`Move ${facesText} to…`}
          exclude={owner ? [owner.id] : []}
          onPick={moveTo}
          onClose={() => setPicking(false)}
        />
      )}
    </div>
  );
}

/** What an undo says: plain "Undone." unless a person came back under a new id. */
export function restoredText(restored: Restored): string {
  const back = restored.recreatedPersons.map((r) => `person ${r.was} is back as person ${r.now}`);
  return back.length > 0 ? `Undone; ${back.join(', ')}.` : 'Undone.';
}
