/** `frs serve`'s server: the Functions' handlers over real HTTP, the app's files, the dispatch rules. */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setServices } from '../../src/services.js';
import { createFrsServer, loadFunctionModules } from '../../src/server/frs-server.js';
import { httpRoutes } from '../../functions/_shared/routes.js';
import { buildWebApp } from '../helpers/browser.js';
import { demoImage } from '../helpers/fixtures.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

let env: PipelineEnv;
let server: Server;
let base: string;

beforeAll(async () => {
  buildWebApp();
  env = pipelineEnv();
  setServices(env.services());
  await loadFunctionModules();
  server = createFrsServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  setServices(undefined);
  await env.cleanup();
});

describe('frs serve', () => {
  it('hosts every HTTP function the Function App registers', () => {
    const names = httpRoutes.map((r) => r.name);
    for (const name of ['app', 'map', 'persons', 'recluster', 'status', 'test']) expect(names).toContain(name);
  });

  it('sends / to the app and serves its files with a strict content security policy', async () => {
    const root = await fetch(base + '/', { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/api/app/');
    const index = await fetch(base + '/api/app/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('./main.js');
    const script = await fetch(base + '/api/app/main.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(Buffer.from(await script.arrayBuffer())).toEqual(readFileSync('web/dist/main.js'));
    expect((await fetch(base + '/api/app', { redirect: 'manual' })).headers.get('location')).toBe('/api/app/');
  });

  it('keeps paths inside web/dist and answers unknown paths with a JSON 404', async () => {
    const escape = await fetch(base + '/api/app/..%2F..%2Fpackage.json');
    expect(escape.status).toBe(404);
    const missing = await fetch(base + '/nothing-here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('passes query, route parameters, status and headers through the handlers', async () => {
    const queued = await fetch(base + '/api/recluster?mode=queue', { method: 'POST' });
    expect(queued.status).toBe(202);
    const body = (await queued.json()) as { requestId: number; statusUrl: string };
    expect(queued.headers.get('location')).toBe(body.statusUrl);
    const request = await fetch(`${base}/api/recluster/${body.requestId}`);
    expect(await request.json()).toMatchObject({ id: body.requestId, status: 'queued' });

    const status = await fetch(base + '/api/status');
    expect(await status.json()).toMatchObject({ photos: { total: 0 }, persons: 0, queuedReclusters: 1 });
    expect((await fetch(base + '/api/persons/abc')).status).toBe(400);
    const wrongMethod = await fetch(base + '/api/status', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('hands a request body to the handler as bytes (POST /api/test with a photo)', async () => {
    const res = await fetch(base + '/api/test', { method: 'POST', body: readFileSync(demoImage(1)) });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { faces: unknown[] };
    expect(report.faces.length).toBeGreaterThan(0);
  });

  it('lays out an empty library as an empty map', async () => {
    expect(await (await fetch(base + '/api/map')).json()).toMatchObject({ points: [], totalPersons: 0 });
  });
});
