/**
 * The corrections bar for selected faces, shared by the person and unassigned views: move to
 * another person (picker), new person, take out, not a face, confirm; each reports at once and
 * offers Undo where the API can reverse it (moves: move back).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { faces, people, personLabel, type Person } from '../api';
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
  const putBack = owner
    ? async () => {
        await faces.move(ids, owner.id);
        onChanged([]);
      }
    : async () => {
        await faces.unassign(ids);
        onChanged([]);
      };

  const run = (work: () => Promise<void>) =>
    void attempt(notify, async () => {
      await work();
      selection.clear();
    });

  const moveTo = (target: Person) => {
    setPicking(false);
    run(async () => {
      await faces.move(ids, target.id);
      onChanged(ids);
      notify(`Moved ${facesText} to ${personLabel(target)}.`, { undo: putBack });
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
            notify(`${facesText} now form ${personLabel(created)}.`, { undo: putBack });
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
              await faces.unassign(ids);
              onChanged(ids);
              notify(`Took ${facesText} out of ${personLabel(owner)}.`, { undo: putBack });
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
            await faces.reject(ids);
            onChanged(ids);
            notify(`Marked ${facesText} as not a face.`);
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
              await faces.verify(ids);
              onChanged([]);
              notify(`Confirmed ${facesText} as ${personLabel(owner)}.`);
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
