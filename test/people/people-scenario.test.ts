/**
 * The people loop end to end on real photos (face-api demo images, real models, SQLite), through
 * the HTTP handlers and the CLI: group, rename, split, merge, move, unassign, reject, hide, set a
 * portrait; then recluster and a run with new photos. Every decision is still there, and a new
 * photo of a named person joins it.
 */
import { join } from 'node:path';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faceThumbnailHandler } from '../../functions/face-thumbnail.js';
import { faceThumbnailsHandler } from '../../functions/face-thumbnails.js';
import { facesMoveHandler } from '../../functions/faces-move.js';
import { facesRejectHandler } from '../../functions/faces-reject.js';
import { facesUnassignedHandler } from '../../functions/faces-unassigned.js';
import { mediaHandler } from '../../functions/media.js';
import { mediaImageHandler } from '../../functions/media-image.js';
import { personHandler } from '../../functions/person.js';
import { personMergeHandler } from '../../functions/person-merge.js';
import { personPortraitHandler } from '../../functions/person-portrait.js';
import { personsHandler } from '../../functions/persons.js';
import { reclusterHandler } from '../../functions/recluster.js';
import { EXIT } from '../../src/cli/command.js';
import { runFrs } from '../helpers/cli.js';
import type { PipelineService } from '../../src/pipeline/pipeline-service.js';
import { registerFolder } from '../../src/pipeline/register-stage.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { setServices } from '../../src/services.js';
import type { FaceView, PersonView } from '../../src/people/people-view.js';
import { demoImage } from '../helpers/fixtures.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

// Strict grouping as in regroup.test.ts: sample1 (three people) twice at two scales, sample2 alone.
const GROUPING = { FRS_MATCH_THRESHOLD: '0.98', FRS_DBSCAN_EPS: '0.02', FRS_DBSCAN_MIN_POINTS: '2' };

let env: PipelineEnv;
let pipeline: PipelineService;
const ctx = () => new InvocationContext({ functionName: 'people', invocationId: 'people-1' });

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
async function call(
  handler: Handler,
  method: string,
  path: string,
  opts: {
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
) {
  const request = new HttpRequest({
    method,
    url: `http://localhost/api/${path}`,
    params: opts.params ?? {},
    query: opts.query,
    headers: opts.headers,
    body: opts.body === undefined ? undefined : { string: JSON.stringify(opts.body) },
  });
  return handler(request, ctx());
}
const ok = async <T>(response: Promise<HttpResponseInit>, status = 200): Promise<T> => {
  const res = await response;
  expect(res.status, JSON.stringify(res.jsonBody)).toBe(status);
  return res.jsonBody as T;
};

const frs = (...argv: string[]) =>
  runFrs(argv, {
    FRS_DATABASE: env.settings.FRS_DATABASE,
    FRS_THUMBNAILS_DIR: env.settings.FRS_THUMBNAILS_DIR,
    FRS_MEDIA_DIR: env.imagesDir,
    FRS_INTRA_OP_THREADS: '1',
    ...GROUPING,
  });

const person = async (id: number) =>
  ok<{ person: PersonView; faces: { items: FaceView[]; total: number } }>(
    call(personHandler, 'GET', `persons/${id}`, { params: { id: String(id) } }),
  );
const faceIdsOf = async (id: number) => (await person(id)).faces.items.map((f) => f.id);

/** What the user decided, checked after every regroup. */
const decided = {
  ada: 0,
  hidden: 0,
  bea: 0,
  beaFace: 0,
  movedFace: 0,
  unassignedFace: 0,
  unassignedFrom: 0,
  rejectedFace: 0,
  portrait: 0,
  mergedFaces: [] as number[],
};

async function expectDecisionsKept() {
  const ada = await person(decided.ada);
  expect(ada.person).toMatchObject({ name: 'Ada', rank: 'Capt', portraitFaceId: decided.portrait });
  const adaFaces = ada.faces.items.map((f) => f.id);
  expect(adaFaces).toEqual(expect.arrayContaining([...decided.mergedFaces, decided.movedFace]));
  expect(adaFaces).not.toContain(decided.rejectedFace);
  expect((await person(decided.hidden)).person.hidden).toBe(true);
  const bea = await person(decided.bea);
  expect(bea.person.name).toBe('Bea');
  expect(bea.faces.items.map((f) => f.id)).toContain(decided.beaFace);
  const unassigned = (await frs('photo', join(env.imagesDir, 'a-sample1.jpg'), '--json')).stdout;
  const faces = (JSON.parse(unassigned) as { faces: Array<{ id: number; personId: number | null }> }).faces;
  expect(faces.find((f) => f.id === decided.unassignedFace)?.personId).not.toBe(decided.unassignedFrom);
  expect(faces.map((f) => f.id)).not.toContain(decided.rejectedFace);
}

beforeAll(async () => {
  env = pipelineEnv(GROUPING);
  await sharp(demoImage(1)).toFile(join(env.imagesDir, 'a-sample1.jpg'));
  await sharp(demoImage(2)).toFile(join(env.imagesDir, 'b-sample2.jpg'));
  await sharp(demoImage(1))
    .resize({ width: 1152 })
    .jpeg({ quality: 85 })
    .toFile(join(env.imagesDir, 'c-sample1-small.jpg'));
  const services = env.services();
  setServices(services);
  pipeline = await services.pipeline();
  await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
  await pipeline.runAll();
});
afterAll(async () => {
  setServices(undefined);
  await env.cleanup();
});

describe('the people loop on real photos', () => {
  it('groups, then takes every kind of correction through HTTP and the CLI', async () => {
    const list = await ok<{ items: PersonView[]; total: number }>(call(personsHandler, 'GET', 'persons'));
    expect(list.total).toBe(3);
    const [p1, p2, p3] = list.items.map((p) => p.id);

    // Rename (HTTP) with rank; an over-long rank is refused and changes nothing.
    await ok(
      call(personHandler, 'PATCH', `persons/${p1}`, {
        params: { id: String(p1) },
        body: { name: 'Ada', rank: 'Capt' },
      }),
    );
    const tooLong = await call(personHandler, 'PATCH', `persons/${p1}`, {
      params: { id: String(p1) },
      body: { name: 'Ada', rank: 'x'.repeat(51) },
    });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.jsonBody)).toContain('rank is 51 characters long');
    decided.ada = p1;

    // Split one face of p3 off (CLI), then merge it into Ada (HTTP): Ada gets p3's face, verified.
    const [splitFace, keptFace] = await faceIdsOf(p3);
    const created = await frs('person', 'new', '--faces', String(splitFace), '--json');
    expect(created.code, created.stderr).toBe(EXIT.OK);
    const split = JSON.parse(created.stdout) as PersonView;
    expect(split.faceCount).toBe(1);
    const merged = await ok<{ person: PersonView; movedFaceIds: number[] }>(
      call(personMergeHandler, 'POST', `persons/${p1}/merge`, {
        params: { id: String(p1) },
        body: { personIds: [split.id] },
      }),
    );
    expect(merged.movedFaceIds).toEqual([splitFace]);
    expect(merged.person).toMatchObject({ name: 'Ada', faceCount: 3, verifiedFaceCount: 3 });
    decided.mergedFaces = await faceIdsOf(p1);
    // Merging a person into itself: refused, exit 1 on the CLI, 400 over HTTP.
    expect((await frs('person', 'merge', String(p1), String(p1))).code).toBe(EXIT.FAILED);
    expect((await frs('person', 'show', 'abc')).code).toBe(EXIT.USAGE);
    expect(
      (
        await call(personMergeHandler, 'POST', `persons/${p1}/merge`, {
          params: { id: String(p1) },
          body: { personIds: [p1] },
        })
      ).status,
    ).toBe(400);

    // Move p3's other face to Ada (HTTP).
    expect(
      await ok(call(facesMoveHandler, 'POST', 'faces/move', { body: { faceIds: [keptFace], personId: p1 } })),
    ).toMatchObject({
      personId: p1,
      faces: 1,
      undo: { faces: [{ faceId: keptFace, personId: p3 }] },
    });
    decided.movedFace = keptFace;

    // "Not this person" for one face of p2 (CLI), then hide p2 (CLI).
    const [outFace] = await faceIdsOf(p2);
    expect((await frs('face', 'unassign', String(outFace))).code).toBe(EXIT.OK);
    decided.unassignedFace = outFace;
    decided.unassignedFrom = p2;
    expect((await frs('person', 'hide', String(p2))).code).toBe(EXIT.OK);
    decided.hidden = p2;
    expect((await frs('persons', '--json')).stdout).not.toContain(`"id":${p2},`);

    // sample2's face stayed unassigned (seen once); it becomes Bea (HTTP split).
    const unassigned = await ok<{
      items: Array<FaceView & { suggestions: Array<{ personId: number; similarity: number }> }>;
    }>(call(facesUnassignedHandler, 'GET', 'faces/unassigned'));
    const beaFace = unassigned.items.find((f) => f.fileName === 'b-sample2.jpg')!;
    expect(beaFace.suggestions.length).toBeGreaterThan(0);
    expect(beaFace.suggestions.length).toBeLessThanOrEqual(3);
    const bea = await ok<PersonView>(
      call(personsHandler, 'POST', 'persons', { body: { name: 'Bea', faceIds: [beaFace.id] } }),
      201,
    );
    decided.bea = bea.id;
    decided.beaFace = beaFace.id;

    // Reject one of Ada's faces (HTTP): not a face (for the test's sake).
    const rejected = decided.mergedFaces.find((f) => f !== splitFace)!;
    await ok(call(facesRejectHandler, 'POST', 'faces/reject', { body: { faceIds: [rejected] } }));
    decided.rejectedFace = rejected;
    decided.mergedFaces = decided.mergedFaces.filter((f) => f !== rejected);

    // Portrait (HTTP): the face split off and merged back.
    const withPortrait = await ok<PersonView>(
      call(personPortraitHandler, 'PUT', `persons/${p1}/portrait`, {
        params: { id: String(p1) },
        body: { faceId: splitFace },
      }),
    );
    expect(withPortrait.portraitUrl).toBe(`/api/faces/${splitFace}/thumbnail`);
    decided.portrait = splitFace;
    await expectDecisionsKept();
  });

  it('serves thumbnails and photos with the faces in them', async () => {
    const thumb = await call(faceThumbnailHandler, 'GET', `faces/${decided.portrait}/thumbnail`, {
      params: { id: String(decided.portrait) },
    });
    expect(thumb.status).toBe(200);
    expect(thumb.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'cache-control': expect.stringContaining('max-age') as string,
    });
    expect((await sharp(thumb.body as Uint8Array).metadata()).format).toBe('jpeg');
    const etag = (thumb.headers as Record<string, string>).etag;
    const again = await call(faceThumbnailHandler, 'GET', `faces/${decided.portrait}/thumbnail`, {
      params: { id: String(decided.portrait) },
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);

    // Several in one answer (the people grid's batch): the same bytes, in the order asked, unknown ids listed.
    const other = (await person(decided.bea)).faces.items[0].id;
    const batchOf = (ids: string, headers?: Record<string, string>) =>
      call(faceThumbnailsHandler, 'GET', 'faces/thumbnails', { query: { ids }, headers });
    const batch = await batchOf(`${other},999999,${decided.portrait},${other}`);
    expect(batch.status).toBe(200);
    expect(batch.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'private, max-age=86400',
    });
    const answer = JSON.parse(Buffer.from(batch.body as Uint8Array).toString('utf8')) as {
      thumbnails: Array<{ faceId: number; contentType: string; data: string }>;
      missing: number[];
    };
    expect(answer.thumbnails.map((t) => [t.faceId, t.contentType])).toEqual([
      [other, 'image/jpeg'],
      [decided.portrait, 'image/jpeg'],
    ]);
    expect(Buffer.from(answer.thumbnails[1].data, 'base64').equals(Buffer.from(thumb.body as Uint8Array))).toBe(true);
    expect(answer.missing).toEqual([999999]);
    const batchTag = (batch.headers as Record<string, string>).etag;
    expect((await batchOf(`${other},999999,${decided.portrait},${other}`, { 'if-none-match': batchTag })).status).toBe(
      304,
    );
    for (const bad of ['', 'x', '1,,2', Array.from({ length: 101 }, (_, i) => i + 1).join(',')])
      expect((await batchOf(bad)).status, bad).toBe(400);
    expect((await call(faceThumbnailsHandler, 'GET', 'faces/thumbnails')).status).toBe(400);

    const face = (await person(decided.ada)).faces.items[0];
    const photo = await ok<{
      id: number;
      filePath: string;
      faces: Array<{ id: number; personName: string | null; box: number[] }>;
    }>(call(mediaHandler, 'GET', `media/${face.mediaItemId}`, { params: { id: String(face.mediaItemId) } }));
    expect(photo.faces.find((f) => f.id === face.id)).toMatchObject({ personName: 'Ada' });
    const image = await call(mediaImageHandler, 'GET', `media/${photo.id}/image`, { params: { id: String(photo.id) } });
    expect(image.status).toBe(200);
    expect((await sharp(image.body as Uint8Array).metadata()).width).toBeGreaterThan(0);
    const byPath = await ok<{ id: number }>(
      call(mediaHandler, 'GET', 'media', { params: {}, query: { path: photo.filePath } }),
    );
    expect(byPath.id).toBe(photo.id);
    expect((await call(mediaHandler, 'GET', 'media', { params: {} })).status).toBe(400);
    expect(
      (await call(faceThumbnailHandler, 'GET', 'faces/999999/thumbnail', { params: { id: '999999' } })).status,
    ).toBe(404);
  });

  it('keeps every decision through recluster and a run with new photos; a new photo of Bea joins her', async () => {
    const reclustered = await ok<{ status: string }>(call(reclusterHandler, 'POST', 'recluster'));
    expect(reclustered.status).toBe('done');
    await expectDecisionsKept();

    await sharp(demoImage(2))
      .resize({ width: 700 })
      .jpeg({ quality: 85 })
      .toFile(join(env.imagesDir, 'e-sample2-small.jpg'));
    await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
    await pipeline.runAll();
    await expectDecisionsKept();
    const bea = await person(decided.bea);
    expect(bea.faces.items.map((f) => f.fileName).sort()).toEqual(['b-sample2.jpg', 'e-sample2-small.jpg']);

    const shown = await frs('person', 'show', String(decided.bea));
    expect(shown.code).toBe(EXIT.OK);
    expect(shown.stdout).toContain('Bea');
    expect(shown.stdout).toContain('e-sample2-small.jpg');
  });
});
