/** Bytes with caching (images, inlined thumbnails): a content ETag, and 304 when the client already has them. */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
  '.heic': 'image/heic',
  '.bmp': 'image/bmp',
};

export const contentTypeOf = (path: string): string => TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

export function cachedResponse(request: HttpRequest, bytes: Uint8Array, contentType: string): HttpResponseInit {
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;
  // private: the API needs a function key or a sign-in, so shared caches must not keep the bytes.
  const headers = { etag, 'cache-control': 'private, max-age=86400' };
  if (request.headers.get('if-none-match') === etag) return { status: 304, headers };
  return { status: 200, body: bytes, headers: { ...headers, 'content-type': contentType } };
}
