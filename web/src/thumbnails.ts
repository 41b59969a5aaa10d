/**
 * Thumbnails for a screenful of faces in one or two requests (GET faces/thumbnails) instead of
 * one request each: a browser opens only six connections to a host, and the people grid's
 * first screen needs about 30 portraits (bench/people-grid.ts measures it).
 */
import { useEffect, useState } from 'preact/hooks';
import { faceThumb, THUMBNAIL_BATCH, thumbnailBatch } from './api';

/** What an image shows: a URL, or undefined while its batch is still on its way. */
export type ThumbnailSource = (faceId: number) => string | undefined;

/**
 * Loads `batched` face ids' thumbnails in batches, the first `first` of them in a request of
 * their own so the first screen does not wait for the rest. Faces outside `batched`, missing
 * from a batch, or in a batch that failed get their own thumbnail URL (lazy images).
 */
export function useThumbnailBatches(batched: number[], first: number): ThumbnailSource {
  const key = batched.join(',');
  const [loaded, setLoaded] = useState<{ key: string; urls: Map<number, string>; settled: Set<number> }>({
    key: '',
    urls: new Map(),
    settled: new Set(),
  });
  useEffect(() => {
    if (batched.length === 0) return;
    let live = true;
    const chunks = [batched.slice(0, first)];
    for (let i = first; i < batched.length; i += THUMBNAIL_BATCH) chunks.push(batched.slice(i, i + THUMBNAIL_BATCH));
    for (const chunk of chunks.filter((c) => c.length > 0)) {
      const settle = (urls: Map<number, string>) =>
        live &&
        setLoaded((prev) => {
          const base = prev.key === key ? prev : { key, urls: new Map<number, string>(), settled: new Set<number>() };
          return { key, urls: new Map([...base.urls, ...urls]), settled: new Set([...base.settled, ...chunk]) };
        });
      thumbnailBatch(chunk).then(settle, () => settle(new Map()));
    }
    return () => {
      live = false;
    };
  }, [key, first]);
  const current = loaded.key === key ? loaded : null;
  const inBatch = new Set(batched);
  return (faceId) => {
    if (!inBatch.has(faceId)) return faceThumb(faceId);
    const url = current?.urls.get(faceId);
    if (url) return url;
    return current?.settled.has(faceId) ? faceThumb(faceId) : undefined;
  };
}
