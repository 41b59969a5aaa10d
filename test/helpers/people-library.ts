/**
 * A library from real photos for the people app tests: the face-api demo images, each also as a
 * smaller re-encoded copy (so that every face has a twin and persons form), run through the pipeline.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { registerFolder } from '../../src/pipeline/register-stage.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { demoImage } from './fixtures.js';
import { pipelineEnv, type PipelineEnv } from './pipeline-env.js';

export async function demoLibrary(): Promise<PipelineEnv> {
  const env = pipelineEnv();
  for (const n of [1, 2, 3, 4, 5, 6] as const) {
    env.addImage(demoImage(n), `sample${n}.jpg`);
    const { width } = await sharp(demoImage(n)).metadata();
    await sharp(demoImage(n))
      .resize({ width: Math.round((width ?? 800) * 0.8) })
      .jpeg({ quality: 88 })
      .toFile(join(env.imagesDir, `sample${n}-small.jpg`));
  }
  const pipeline = await env.services().pipeline();
  await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
  await pipeline.runAll();
  return env;
}
