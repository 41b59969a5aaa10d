/** Selecting items in a grid: click toggles, shift-click selects the range, select all / none. */
import { useRef, useState } from 'preact/hooks';

export interface Selection {
  selected: Set<number>;
  toggle(id: number, shift: boolean): void;
  selectAll(): void;
  clear(): void;
}

export function useSelection(order: number[]): Selection {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const anchor = useRef<number | null>(null);
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
