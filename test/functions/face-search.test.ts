/**
 * Find-similar and identify on real photos and the real models: a library of a group photo, a
 * smaller copy of it (every face has a twin) and a portrait, run through the pipeline; then the
 * HTTP handlers called directly and the CLI commands in-process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpRequest, InvocationContext } from '@azure/functions';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faceSimilarHandler } from '../../functions/face-similar.js';
import { identifyHandler } from '../../functions/identify.js';
import { runFrs } from '../helpers/cli.js';
import type { FaceRecord, Repository } from '../../src/data/repository.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { registerFolder } from '../../src/pipeline/register-stage.js';
import type { IdentifyResult, SimilarResult } from '../../src/search/face-search-service.js';
import { setServices } from '../../src/services.js';
import { demoImage } from '../helpers/fixtures.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

let env: PipelineEnv;
let repo: Repository;
let group: FaceRecord[];
let copy: FaceRecord[];

const context = () => new InvocationContext({ functionName: 'search', invocationId: 'search-1' });
const similar = (id: string, query: Record<string, string> = {}) =>
  faceSimilarHandler(
    new HttpRequest({ method: 'GET', url: `http://localhost/api/faces/${id}/similar`, params: { id }, query }),
    context(),
  );
const identify = (body: Uint8Array, headers: Record<string, string> = { 'content-type': 'image/jpeg' }) =>
  identifyHandler(
    new HttpRequest({ method: 'POST', url: 'http://localhost/api/identify', body: { bytes: body }, headers }),
    context(),
  );
const centre = (f: { boundingBox: number[] | null }) => [
  (f.boundingBox![0] + f.boundingBox![2]) / 2,
  (f.boundingBox![1] + f.boundingBox![3]) / 2,
];
const SCALE = 0.6;

beforeAll(async () => {
  env = pipelineEnv({ FRS_TEST_RATE_PER_MINUTE: '6000' });
  env.addImage(demoImage(1), 'group.jpg');
  await sharp(demoImage(1))
    .resize({ width: Math.round(1920 * SCALE) })
    .jpeg({ quality: 90 })
    .toFile(join(env.imagesDir, 'group-small.jpg'));
  env.addImage(demoImage(2), 'portrait.jpg');
  const services = env.services();
  setServices(services);
  const pipeline = await services.pipeline();
  await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
  await pipeline.runAll();
  repo = await services.repository();
  const itemOf = async (name: string) => (await repo.findMediaFileByPath(join(env.imagesDir, name)))!.mediaItemId!;
  group = await repo.facesOfItem(await itemOf('group.jpg'));
  copy = await repo.facesOfItem(await itemOf('group-small.jpg'));
}, 240_000);
afterAll(async () => {
  setServices(undefined);
  await env.cleanup();
});

/** The face of the smaller copy at the same place as `face` of the group photo. */
function twinOf(face: FaceRecord): FaceRecord {
  const [x, y] = centre(face);
  const distance = (f: FaceRecord) => Math.hypot(centre(f)[0] / SCALE - x, centre(f)[1] / SCALE - y);
  return [...copy].sort((a, b) => distance(a) - distance(b))[0];
}

describe('GET /api/faces/{id}/similar', () => {
  it("puts each face's twin in the smaller copy first, most similar first, the face itself left out", async () => {
    expect(group.length).toBeGreaterThanOrEqual(3);
    for (const face of group) {
      const res = await similar(String(face.id), { k: '5' });
      expect(res.status).toBe(200);
      const body = res.jsonBody as SimilarResult;
      expect(body.face).toBe(face.id);
      expect(body.similar).toHaveLength(5);
      expect(body.similar.map((f) => f.faceId)).not.toContain(face.id);
      const twin = twinOf(face);
      expect(body.similar[0]).toMatchObject({ faceId: twin.id, personId: twin.personId });
      expect(body.similar[0].similarity).toBeGreaterThan(env.settings.FRS_MATCH_THRESHOLD);
      const sims = body.similar.map((f) => f.similarity);
      expect([...sims].sort((a, b) => b - a)).toEqual(sims);
    }
  });

  it('answers an unknown face with 404 and a bad k with 400, naming the bounds', async () => {
    expect(await similar('999999')).toMatchObject({ status: 404, jsonBody: { error: { code: 'NOT_FOUND' } } });
    for (const k of ['0', '101', '2.5', 'ten'])
      expect(await similar(String(group[0].id), { k })).toMatchObject({
        status: 400,
        jsonBody: { error: { code: 'INVALID_INPUT' } },
      });
    // k = 10 by default; the library has fewer other embedded faces, so all of them come back.
    const others = (await repo.stats()).facesWithEmbedding - 1;
    expect(others).toBeLessThan(10);
    expect(((await similar(String(group[0].id))).jsonBody as SimilarResult).similar).toHaveLength(others);
  });

  it('refuses a face without an embedding', async () => {
    const { mediaItemId } = await repo.registerMediaFile({
      filePath: '/elsewhere/x.jpg',
      fileName: 'x.jpg',
      extension: '.jpg',
    });
    await repo.claimPendingItems('t', 1, 60, 3, mediaItemId);
    await repo.completeItem(mediaItemId, 't', [{ boundingBox: [0, 0, 50, 50], detectorScore: 0.9 }]);
    const [bare] = await repo.facesOfItem(mediaItemId);
    expect(await similar(String(bare.id))).toMatchObject({
      status: 400,
      jsonBody: { error: { code: 'INVALID_INPUT', message: expect.stringContaining('no embedding') } },
    });
  });
});

describe('POST /api/identify', () => {
  it('names, per face of a known photo, the person its stored face is in, as a match; stores nothing', async () => {
    const before = await repo.stats();
    const res = await identify(readFileSync(demoImage(1)));
    expect(res.status).toBe(200);
    const body = res.jsonBody as IdentifyResult;
    expect(body.faces).toHaveLength(group.length);
    expect(body.threshold).toBe(env.settings.FRS_MATCH_THRESHOLD);
    for (const face of body.faces) {
      const [x, y] = [(face.box[0] + face.box[2]) / 2, (face.box[1] + face.box[3]) / 2];
      const stored = group.find((g) => Math.hypot(centre(g)[0] - x, centre(g)[1] - y) < 5)!;
      expect(stored.personId).not.toBeNull();
      expect(face.persons[0]).toMatchObject({ personId: stored.personId, match: true });
      expect(face.persons[0].similarity).toBeGreaterThan(0.99);
      for (const p of face.persons.slice(1)) expect(p.similarity).toBeLessThanOrEqual(face.persons[0].similarity);
    }
    expect(await repo.stats()).toEqual(before);
  });

  it('shares the test endpoint checks: not an image type, an empty body', async () => {
    expect(await identify(new Uint8Array([1]), { 'content-type': 'text/plain' })).toMatchObject({
      jsonBody: { error: { code: 'UNSUPPORTED_FORMAT' } },
    });
    expect(await identify(new Uint8Array(0))).toMatchObject({ jsonBody: { error: { code: 'EMPTY_FILE' } } });
    expect(await identify(new TextEncoder().encode('not a photo'))).toMatchObject({
      jsonBody: { error: { code: expect.stringMatching(/CORRUPT_IMAGE|UNSUPPORTED_FORMAT/) } },
    });
  });
});

describe('frs similar / frs identify', () => {
  const frs = (...argv: string[]) =>
    runFrs(argv, { ...process.env, FRS_DATABASE: env.settings.FRS_DATABASE, FRS_INTRA_OP_THREADS: '1' });

  it('similar --json prints {face, similar: [{faceId, personId, similarity}]}; bad calls exit 1 or 2', async () => {
    const face = group[0];
    const { code, stdout } = await frs('similar', String(face.id), '--k', '3', '--json');
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as SimilarResult;
    expect(Object.keys(body)).toEqual(['face', 'similar']);
    expect(body.similar).toHaveLength(3);
    expect(Object.keys(body.similar[0])).toEqual(['faceId', 'personId', 'similarity']);
    expect(body.similar[0].faceId).toBe(twinOf(face).id);
    expect((await frs('similar', String(face.id))).stdout).toMatch(
      new RegExp(`^face ${face.id}: \\d similar face\\(s\\)\\n  face \\d+  person \\d+  0\\.\\d{4}\\n`),
    );
    expect((await frs('similar', '999999')).code).toBe(1);
    expect((await frs('similar', String(face.id), '--k', '0')).code).toBe(2);
  });

  it('identify prints each face with its best persons', async () => {
    const { code, stdout } = await frs('identify', join(env.imagesDir, 'group-small.jpg'));
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^group-small\.jpg: \d face\(s\) in \d+x\d+, match at similarity >= 0\.\d+\n {2}face 1 {2}box [\d,]+: person \d+/,
    );
    expect(stdout).toContain(' match');
    const json = JSON.parse(
      (await frs('identify', join(env.imagesDir, 'group-small.jpg'), '--json')).stdout,
    ) as IdentifyResult;
    expect(json.faces).toHaveLength(group.length);
    for (const face of json.faces) expect(face.persons[0].match).toBe(true);
    expect((await frs('identify', join(env.dir, 'missing.jpg'))).code).toBe(1);
  });
});
