/** Results of actions, shown at once at the bottom of the screen, with Undo where there is one. */
import { createContext } from 'preact';
import { useCallback, useContext, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

export interface Notice {
  id: number;
  text: string;
  kind: 'ok' | 'error';
  /** Takes the action back; resolves with what to say (default "Undone."). */
  undo?: () => Promise<string | void>;
}

type Notify = (text: string, options?: { kind?: 'ok' | 'error'; undo?: Notice['undo'] }) => void;

const NoticeContext = createContext<Notify>(() => undefined);
let nextId = 1;

export function NoticeProvider({ children }: { children: ComponentChildren }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = (id: number) => setNotices((list) => list.filter((n) => n.id !== id));
  const notify = useCallback<Notify>((text, options = {}) => {
    const notice: Notice = { id: nextId++, text, kind: options.kind ?? 'ok', undo: options.undo };
    setNotices((list) => [...list.slice(-3), notice]);
    setTimeout(() => dismiss(notice.id), notice.undo ? 15_000 : 6_000);
  }, []);
  return (
    <NoticeContext.Provider value={notify}>
      {children}
      <div class="notices" role="status" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} class={`notice ${n.kind}`}>
            <span>{n.text}</span>
            {n.undo && (
              <button
                type="button"
                onClick={() => {
                  dismiss(n.id);
                  n.undo!().then(
                    (said) => notify(said || 'Undone.'),
                    (e: Error) => notify(`Undo failed: ${e.message}`, { kind: 'error' }),
                  );
                }}
              >
                Undo
              </button>
            )}
            <button type="button" class="plain" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

export const useNotify = () => useContext(NoticeContext);

/** Runs an action, reporting its failure as a notice; true when it succeeded. */
export async function attempt(notify: Notify, work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    notify((err as Error).message, { kind: 'error' });
    return false;
  }
}
