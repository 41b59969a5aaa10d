/**
 * Thumbnails for the faces a view shows, in batches (GET faces/thumbnails, up to 100 a request)
 * instead of one request each: a browser opens only six connections to a host, and a screen of
 * portraits or a page of faces needs dozens to a hundred and more (bench/people-grid.ts).
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { faceThumb, THUMBNAIL_BATCH, thumbnailBatch } from './api';

/** What an image shows: a URL, or undefined while its batch is still on its way. */
export type ThumbnailSource = (faceId: number) => string | undefined;

/**
 * Loads the thumbnails of `faceIds` in batches; ids added later (another page) are fetched then,
 * those already here are not fetched again. The very first `first` go in a request of their own,
 * so the first screen does not wait for the rest. A face missing from its batch, or in a batch
 * that failed, falls back to its own thumbnail URL; so does any face not in `faceIds`.
 */
export function useThumbnailBatches(faceIds: number[], first: number): ThumbnailSource {
  const requested = useRef(new Set<number>());
  const live = useRef(true);
  const [urls, setUrls] = useState(() => new Map<number, string>());
  const [fallback, setFallback] = useState(() => new Set<number>());
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );
  const key = faceIds.join(',');
  // A layout effect: the requests leave before the browser paints the placeholders.
  useLayoutEffect(() => {
    const fresh = [...new Set(faceIds)].filter((id) => !requested.current.has(id));
    if (fresh.length === 0) return;
    const firstTime = requested.current.size === 0;
    for (const id of fresh) requested.current.add(id);
    const chunks: number[][] = [];
    let start = 0;
    if (firstTime) chunks.push(fresh.slice(0, (start = Math.min(first, THUMBNAIL_BATCH))));
    for (let i = start; i < fresh.length; i += THUMBNAIL_BATCH) chunks.push(fresh.slice(i, i + THUMBNAIL_BATCH));
    for (const chunk of chunks.filter((c) => c.length > 0)) {
      const settle = (found: Map<number, string>) => {
        if (!live.current) return;
        if (found.size > 0) setUrls((prev) => new Map([...prev, ...found]));
        const lost = chunk.filter((id) => !found.has(id));
        if (lost.length > 0) setFallback((prev) => new Set([...prev, ...lost]));
      };
      thumbnailBatch(chunk).then(settle, () => settle(new Map()));
    }
  }, [key, first]);
  // Faces of the list wait for their batch, even before the layout effect has asked for it.
  const batched = new Set(faceIds);
  return (faceId) => {
    const url = urls.get(faceId);
    if (url) return url;
    const waiting = (batched.has(faceId) || requested.current.has(faceId)) && !fallback.has(faceId);
    return waiting ? undefined : faceThumb(faceId);
  };
}
