/** Images every clone has: the face-api demo photos installed by npm. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const demoDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

/** sample1..sample6.jpg: portraits and groups of people. */
export function demoImage(n: 1 | 2 | 3 | 4 | 5 | 6): string {
  return join(demoDir, `sample${n}.jpg`);
}
