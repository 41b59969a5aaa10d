/** Selecting items in a grid: click toggles, shift-click selects the range, select all / none; Escape clears. */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Selection {
  selected: Set<number>;
  toggle(id: number, shift: boolean): void;
  selectAll(): void;
  clear(): void;
}

export function useSelection(order: number[]): Selection {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const anchor = useRef<number | null>(null);
  const any = selected.size > 0;
  useEffect(() => {
    if (!any) return;
    const onKey = (e: KeyboardEvent) => {
      // An open dialog takes Escape for itself.
      if (e.key === 'Escape' && !document.querySelector('[role="dialog"]')) {
        setSelected(new Set());
        anchor.current = null;
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [any]);
  return {
    selected,
    toggle(id, shift) {
      setSelected((prev) => {
        const next = new Set(prev);
        const from = anchor.current === null ? -1 : order.indexOf(anchor.current);
        const to = order.indexOf(id);
        if (shift && from >= 0 && to >= 0) {
          const [a, b] = from < to ? [from, to] : [to, from];
          for (const x of order.slice(a, b + 1)) next.add(x);
        } else if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      });
      anchor.current = id;
    },
    selectAll() {
      setSelected(new Set(order));
    },
    clear() {
      setSelected(new Set());
      anchor.current = null;
    },
  };
}
