/**
 * The worker the fault-injection suite kills: `frs all --images <dir>` in a child process, on
 * the settings in its environment. FRS_FAULT_AT (src/pipeline/fault-point.ts) makes it SIGKILL
 * itself at a chosen point; otherwise it runs to the end and prints its summary as JSON.
 * Usage: node --import tsx fault-worker.ts <images folder>
 */
import { loadSettings } from '../../src/config/settings.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { registerFolder } from '../../src/pipeline/register-stage.js';
import { Services } from '../../src/services.js';

const images = process.argv[2];
const services = new Services(loadSettings(process.env), silentLogger);
try {
  const pipeline = await services.pipeline();
  const { repo, settings } = pipeline.ctx;
  await registerFolder(repo, images, silentLogger, false, { maxBytes: settings.FRS_MAX_ORIGINAL_BYTES });
  const summary = await pipeline.runAll();
  const stats = await repo.stats();
  process.stdout.write(JSON.stringify({ busy: summary.recognised.busy, items: stats.items }));
} finally {
  await services.close();
}
