/**
 * Node's http request/response <-> the @azure/functions HttpRequest / HttpResponseInit the
 * handlers take and return, so `frs serve` calls them exactly as the Functions host would.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRequest as AzHttpRequest, HttpResponseInit } from '@azure/functions';
import { HttpRequest, HttpResponse } from './azure-functions-classes.js';
import { FrsError } from '../errors.js';

/** Bodies above this are refused before a handler sees them (uploads have their own limit). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

async function readAll(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > limit) throw new FrsError('FILE_TOO_LARGE', `Request body exceeds ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function toHttpRequest(
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
): Promise<AzHttpRequest> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const method = req.method ?? 'GET';
  const bytes = method === 'GET' || method === 'HEAD' ? undefined : await readAll(req, MAX_BODY_BYTES);
  return new HttpRequest({
    method,
    url: url.toString(),
    headers,
    query: Object.fromEntries(url.searchParams.entries()),
    params,
    ...(bytes && bytes.byteLength > 0 ? { body: { bytes } } : {}),
  });
}

/** Writes what a handler returned (HttpResponseInit or HttpResponse; nothing is 204). */
export async function writeResponse(
  res: ServerResponse,
  result: HttpResponseInit | InstanceType<typeof HttpResponse> | void,
): Promise<void> {
  if (!result) {
    res.writeHead(204).end();
    return;
  }
  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  res.writeHead(response.status, headers).end(body);
}
