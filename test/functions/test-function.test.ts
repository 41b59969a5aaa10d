import { readFileSync } from 'node:fs';
import { HttpRequest, InvocationContext } from '@azure/functions';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHandler } from '../../functions/test.js';
import { loadSettings } from '../../src/config/settings.js';
import { Services, setServices } from '../../src/services.js';
import { demoImage } from '../helpers/fixtures.js';

function post(
  body: Uint8Array | string,
  headers: Record<string, string> = { 'content-type': 'image/jpeg' },
  query: Record<string, string> = {},
) {
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost/api/test',
    body: typeof body === 'string' ? { string: body } : { bytes: body },
    headers,
    query,
  });
}

const context = () => new InvocationContext({ functionName: 'test', invocationId: 'test-1' });

describe('HTTP test function', () => {
  beforeAll(() => {
    setServices(
      new Services(
        loadSettings({
          FRS_INTRA_OP_THREADS: '1',
          FRS_MAX_UPLOAD_BYTES: '2000000',
          FRS_MAX_PIXELS: '4000000',
          FRS_TEST_RATE_PER_MINUTE: '6000',
        }),
      ),
    );
  });
  afterAll(() => setServices(undefined));

  it('returns faces with boxes, landmarks and embeddings for a real photo', async () => {
    const photo = readFileSync(demoImage(1));
    const res = await testHandler(
      post(photo, { 'content-type': 'image/jpeg' }, { embeddings: 'true', name: 'sample1.jpg' }),
      context(),
    );
    expect(res.status).toBe(200);
    const body = res.jsonBody as {
      image: string;
      width: number;
      height: number;
      faces: Array<{ box: number[]; score: number; landmarks: number[][]; embedding: number[] }>;
    };
    expect(body.image).toBe('sample1.jpg');
    expect([body.width, body.height]).toEqual([1920, 1280]);
    expect(body.faces.length).toBeGreaterThanOrEqual(3);
    for (const f of body.faces) {
      expect(f.box).toHaveLength(4);
      expect(f.box[2]).toBeGreaterThan(f.box[0]);
      expect(f.landmarks).toHaveLength(5);
      // landmarks sit inside (or on the edge of) their box
      for (const [x, y] of f.landmarks) {
        expect(x).toBeGreaterThan(f.box[0] - 0.1 * (f.box[2] - f.box[0]));
        expect(y).toBeLessThan(f.box[3] + 0.1 * (f.box[3] - f.box[1]));
      }
      expect(f.embedding).toHaveLength(128);
      expect(Math.hypot(...f.embedding)).toBeCloseTo(1, 3);
    }
  });

  it('rejects an empty body with 400', async () => {
    const res = await testHandler(post(new Uint8Array(0)), context());
    expect(res.status).toBe(400);
    expect((res.jsonBody as { error: { code: string } }).error.code).toBe('EMPTY_FILE');
  });

  it('rejects a non-image content type with 415', async () => {
    const res = await testHandler(post('hello', { 'content-type': 'text/plain' }), context());
    expect(res.status).toBe(415);
  });

  it('rejects text bytes sent as an image with 415', async () => {
    const res = await testHandler(post(Buffer.from('not really a jpeg'), { 'content-type': 'image/jpeg' }), context());
    expect(res.status).toBe(415);
    expect((res.jsonBody as { error: { code: string } }).error.code).toBe('UNSUPPORTED_FORMAT');
  });

  it('rejects a truncated JPEG with 400', async () => {
    const photo = readFileSync(demoImage(2));
    const res = await testHandler(post(photo.subarray(0, photo.length / 3)), context());
    expect(res.status).toBe(400);
    expect((res.jsonBody as { error: { code: string } }).error.code).toBe('CORRUPT_IMAGE');
  });

  it('rejects a body over FRS_MAX_UPLOAD_BYTES with 413', async () => {
    const res = await testHandler(post(new Uint8Array(2_000_001)), context());
    expect(res.status).toBe(413);
    expect((res.jsonBody as { error: { code: string } }).error.code).toBe('FILE_TOO_LARGE');
  });

  it('rejects an image over FRS_MAX_PIXELS with 413', async () => {
    const big = await sharp({ create: { width: 2500, height: 2000, channels: 3, background: '#777' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const res = await testHandler(post(big, { 'content-type': 'image/png' }), context());
    expect(res.status).toBe(413);
    expect((res.jsonBody as { error: { code: string } }).error.code).toBe('IMAGE_TOO_LARGE');
  });

  it('rejects bad query parameters with 400', async () => {
    const res = await testHandler(post(readFileSync(demoImage(1)), undefined, { embeddings: 'maybe' }), context());
    expect(res.status).toBe(400);
    expect((res.jsonBody as { error: { code: string; message: string } }).error.message).toMatch(/embeddings/);
  });

  it('limits the rate per instance (429 RATE_LIMITED with a wait) and can be turned off (404)', async () => {
    setServices(new Services(loadSettings({ FRS_INTRA_OP_THREADS: '1', FRS_TEST_RATE_PER_MINUTE: '4' })));
    // A burst of one: the first request gets through to the body check, the next is refused unread.
    expect((await testHandler(post(new Uint8Array(0)), context())).status).toBe(400);
    const limited = await testHandler(post(readFileSync(demoImage(1))), context());
    expect(limited.status).toBe(429);
    expect((limited.jsonBody as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/try again in \d+ s/),
    });
    setServices(new Services(loadSettings({ FRS_INTRA_OP_THREADS: '1', FRS_TEST_RATE_PER_MINUTE: '0' })));
    expect((await testHandler(post(readFileSync(demoImage(1))), context())).status).toBe(404);
  });
});
