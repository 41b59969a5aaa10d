/** Pipeline logs go to the invocation's log, so Application Insights ties them to the run. */
import type { InvocationContext } from '@azure/functions';
import type { Logger } from '../../src/pipeline/context.js';

export function functionLogger(context: InvocationContext): Logger {
  return { info: (m) => context.log(m), warn: (m) => context.warn(m), error: (m) => context.error(m) };
}
