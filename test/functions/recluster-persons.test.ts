import { HttpRequest, InvocationContext } from '@azure/functions';
import sharp from 'sharp';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personHandler } from '../../functions/person.js';
import { personsHandler } from '../../functions/persons.js';
import { pipelineHandler } from '../../functions/pipeline.js';
import { reclusterHandler } from '../../functions/recluster.js';
import { registerFolder } from '../../src/pipeline/register-stage.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { setServices } from '../../src/services.js';
import { demoImage } from '../helpers/fixtures.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

let env: PipelineEnv;
const ctx = (name: string) => new InvocationContext({ functionName: name, invocationId: `${name}-1` });
const timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

beforeAll(async () => {
  env = pipelineEnv({ FRS_MATCH_THRESHOLD: '0.98', FRS_DBSCAN_EPS: '0.02' });
  env.addImage(demoImage(1), 'a.jpg');
  await sharp(demoImage(1)).resize({ width: 1152 }).jpeg({ quality: 85 }).toFile(join(env.imagesDir, 'b.jpg'));
  const services = env.services();
  setServices(services);
  const pipeline = await services.pipeline();
  await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
  await pipelineHandler(timer, ctx('pipeline'));
});
afterAll(async () => {
  setServices(undefined);
  await env.cleanup();
});

function request(method: string, url: string, params: Record<string, string> = {}, query: Record<string, string> = {}) {
  return new HttpRequest({ method, url, params, query });
}

describe('persons functions', () => {
  it('lists persons with face counts and portrait links', async () => {
    const res = await personsHandler(request('GET', 'http://localhost/api/persons'), ctx('persons'));
    expect(res.status).toBe(200);
    const body = res.jsonBody as {
      items: Array<{ id: number; faceCount: number; portraitUrl: string | null }>;
      total: number;
    };
    expect(body.total).toBe(3);
    expect(body.items.map((p) => p.faceCount)).toEqual([2, 2, 2]);
    for (const p of body.items) expect(p.portraitUrl).toMatch(/^\/api\/faces\/\d+\/thumbnail$/);
  });

  it('returns one person with its faces, 404 for an unknown one, 400 for a bad id', async () => {
    const one = await personHandler(request('GET', 'http://localhost/api/persons/1', { id: '1' }), ctx('person'));
    expect(one.status).toBe(200);
    const body = one.jsonBody as { person: { id: number }; faces: { items: Array<{ box: number[] }>; total: number } };
    expect(body.person.id).toBe(1);
    expect(body.faces.total).toBe(2);
    expect(body.faces.items[0].box).toHaveLength(4);
    expect(
      (await personHandler(request('GET', 'http://localhost/api/persons/999', { id: '999' }), ctx('person'))).status,
    ).toBe(404);
    const bad = await personHandler(request('GET', 'http://localhost/api/persons/abc', { id: 'abc' }), ctx('person'));
    expect(bad.status).toBe(400);
    expect((bad.jsonBody as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
  });
});

describe('recluster function', () => {
  it('reclusters a small library within the request', async () => {
    const res = await reclusterHandler(request('POST', 'http://localhost/api/recluster'), ctx('recluster'));
    expect(res.status).toBe(200);
    const body = res.jsonBody as { status: string; summary: Record<string, unknown> };
    expect(body.status).toBe('done');
    // Regrouping an unchanged library keeps its three persons and moves nothing.
    expect(body.summary).toMatchObject({ regrouped: true, faces: 6, personsKept: 3, personsCreated: 0, facesMoved: 0 });
  });

  it('queues a request the timer runs, with a status link', async () => {
    const res = await reclusterHandler(
      request('POST', 'http://localhost/api/recluster', {}, { mode: 'queue' }),
      ctx('recluster'),
    );
    expect(res.status).toBe(202);
    const body = res.jsonBody as { requestId: number; statusUrl: string };
    expect(body.statusUrl).toBe(`http://localhost/api/recluster/${body.requestId}`);
    const status = async () =>
      (await reclusterHandler(request('GET', body.statusUrl, { id: String(body.requestId) }), ctx('recluster')))
        .jsonBody as { status: string; result: unknown };
    expect((await status()).status).toBe('queued');
    const summary = await pipelineHandler(timer, ctx('pipeline'));
    expect(summary.reclusterRequests).toBe(1);
    const done = await status();
    expect(done.status).toBe('done');
    expect(done.result).toMatchObject({ regrouped: true, personsKept: 3, personsCreated: 0 });
  });

  it('rejects a bad mode with 400 and an unknown request with 404', async () => {
    expect(
      (
        await reclusterHandler(
          request('POST', 'http://localhost/api/recluster', {}, { mode: 'later' }),
          ctx('recluster'),
        )
      ).status,
    ).toBe(400);
    expect(
      (await reclusterHandler(request('GET', 'http://localhost/api/recluster/77', { id: '77' }), ctx('recluster')))
        .status,
    ).toBe(404);
  });
});
