/** A library from real photos (the face-api demo images) run through the pipeline, for the people app tests. */
import { registerFolder } from '../../src/pipeline/register-stage.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { demoImage } from './fixtures.js';
import { pipelineEnv, type PipelineEnv } from './pipeline-env.js';

export async function demoLibrary(): Promise<PipelineEnv> {
  const env = pipelineEnv();
  for (const n of [1, 2, 3, 4, 5, 6] as const) env.addImage(demoImage(n), `sample${n}.jpg`);
  const pipeline = await env.services().pipeline();
  await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
  await pipeline.runAll();
  return env;
}
