/**
 * The people app's built files (web/dist, made by `npm run build`), read for the `app` HTTP
 * function and so for `frs serve` too. Paths cannot leave the folder; an empty path is index.html.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fromAppRoot } from '../config/app-root.js';

export const WEB_ROOT = fromAppRoot('web/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Scripts only from the app itself; nothing from other origins (no CDN). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

export interface Asset {
  body: Uint8Array;
  contentType: string;
}

/** The file at `path` under `root`, or null when there is none (or the path tries to leave root). */
export async function readAsset(path: string | undefined, root: string = WEB_ROOT): Promise<Asset | null> {
  const relative = path && path !== '/' ? path.replace(/^\/+/, '') : 'index.html';
  const full = resolve(root, relative);
  if (full !== root && !full.startsWith(root + sep)) return null;
  try {
    return { body: await readFile(full), contentType: TYPES[extname(full)] ?? 'application/octet-stream' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
    throw err;
  }
}
