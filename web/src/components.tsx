/** Small pieces the views share: face tiles, person cards, the person picker, paging. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { faceThumb, people, personLabel, type Person } from './api';
import { href } from './router';
import type { ThumbnailSource } from './thumbnails';
import { useThumbnailBatches } from './thumbnails';
import { useAsync } from './use-async';

/**
 * A face image: from `thumbs` (batched, web/src/thumbnails.ts) when given, else its own URL.
 * `eager` for the first screen: lazy images wait for layout and an intersection check first.
 */
export function FaceImage({
  faceId,
  alt,
  eager,
  thumbs,
  size,
  className,
}: {
  faceId: number;
  alt: string;
  eager?: boolean;
  thumbs?: ThumbnailSource;
  size: number;
  className?: string;
}) {
  const src = thumbs ? thumbs(faceId) : faceThumb(faceId);
  // Its batch is on the way: a placeholder, not a request of its own.
  if (src === undefined) return <div class={`${className ?? ''} pending`} aria-hidden="true" />;
  const inline = src.startsWith('data:');
  return (
    <img
      class={className}
      src={src}
      alt={alt}
      loading={eager || inline ? 'eager' : 'lazy'}
      fetchpriority={eager ? 'high' : 'low'}
      decoding="async"
      width={size}
      height={size}
    />
  );
}

export function Portrait({
  faceId,
  alt,
  eager,
  thumbs,
}: {
  faceId: number | null;
  alt: string;
  eager?: boolean;
  thumbs?: ThumbnailSource;
}) {
  return faceId ? (
    <FaceImage faceId={faceId} alt={alt} eager={eager} thumbs={thumbs} size={96} className="portrait" />
  ) : (
    <div class="portrait empty" aria-hidden="true">
      ?
    </div>
  );
}

export function PersonCard({
  person,
  selected,
  eager,
  thumbs,
  onSelect,
}: {
  person: Person;
  selected?: boolean;
  eager?: boolean;
  thumbs?: ThumbnailSource;
  onSelect?: (shift: boolean) => void;
}) {
  const label = personLabel(person);
  return (
    <li
      class={`person-card${selected ? ' selected' : ''}${person.hidden ? ' hidden-person' : ''}`}
      data-person-id={person.id}
    >
      <a href={href.person(person.id)} class="person-link">
        <Portrait faceId={person.portraitFaceId} alt={label} eager={eager} thumbs={thumbs} />
        <span class={`person-name${person.name ? '' : ' unnamed'}`}>{label}</span>
        <span class="face-count">
          {person.faceCount} face{person.faceCount === 1 ? '' : 's'}
          {person.hidden ? ' · hidden' : ''}
        </span>
      </a>
      {onSelect && (
        <label class="select-box">
          <input
            type="checkbox"
            checked={selected}
            onClick={(e) => onSelect((e as MouseEvent).shiftKey)}
            aria-label={`Select ${label}`}
          />
        </label>
      )}
    </li>
  );
}

export function FaceTile({
  faceId,
  selected,
  verified,
  caption,
  thumbs,
  onToggle,
}: {
  faceId: number;
  selected: boolean;
  verified?: boolean;
  caption?: string;
  thumbs?: ThumbnailSource;
  onToggle: (shift: boolean) => void;
}) {
  return (
    <li class={`face-tile${selected ? ' selected' : ''}`} data-face-id={faceId}>
      <button type="button" aria-pressed={selected} onClick={(e) => onToggle(e.shiftKey)} title={caption}>
        <FaceImage faceId={faceId} alt={`Face ${faceId}`} thumbs={thumbs} size={112} />
        {verified && (
          <span class="badge" title="Confirmed">
            ✓
          </span>
        )}
      </button>
    </li>
  );
}

export function Pager({
  page,
  pageSize,
  total,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (p: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Previous
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next →
      </button>
    </nav>
  );
}

export function ErrorBox({ error }: { error: Error | null }) {
  return error ? (
    <p class="error" role="alert">
      {error.message}
    </p>
  ) : null;
}

/** A dialog to choose a person: search by name, portraits, Enter picks the first match. */
export function PersonPicker({
  title,
  exclude,
  onPick,
  onClose,
}: {
  title: string;
  exclude?: number[];
  onPick: (person: Person) => void;
  onClose: () => void;
}) {
  const [search, setSearch] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const result = useAsync(() => people.list({ search, page: 1, pageSize: 24, hidden: 'all' }), [search]);
  useEffect(() => input.current?.focus(), []);
  const items = (result.data?.items ?? []).filter((p) => !exclude?.includes(p.id));
  const thumbs = useThumbnailBatches(portraitIds(items), items.length);
  return (
    <div class="modal-backdrop" onClick={onClose}>
      <div
        class="modal"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <h2>{title}</h2>
        <input
          ref={input}
          type="search"
          placeholder="Search by name"
          value={search}
          onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => e.key === 'Enter' && items[0] && onPick(items[0])}
          aria-label="Search persons"
        />
        <ErrorBox error={result.error} />
        <ul class="picker-list">
          {items.map((p) => (
            <li key={p.id}>
              <button type="button" class="picker-item" data-person-id={p.id} onClick={() => onPick(p)}>
                <Portrait faceId={p.portraitFaceId} alt="" thumbs={thumbs} />
                <span>{personLabel(p)}</span>
                <span class="face-count">{p.faceCount}</span>
              </button>
            </li>
          ))}
        </ul>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** The portrait face ids of persons that have one, in their order (for a thumbnail batch). */
export const portraitIds = (persons: Person[]): number[] =>
  persons.map((p) => p.portraitFaceId).filter((id): id is number => id !== null);
