/**
 * The part of a run summary an operator must not miss: every failure of the run, by kind, and
 * the leases found stuck (their worker stopped). Shared by the CLI summary and the pipeline
 * function's log line, so both count the same things.
 */
import { formatAge } from './detect-stage.js';
import type { RunSummary } from './pipeline-service.js';
import type { RegisterSummary } from './register-stage.js';

export function failuresLine(s: RunSummary, registered?: RegisterSummary): string {
  const detectFailed = s.detected.failed - s.detected.gaveUp;
  const parts = [
    [registered?.failed ?? 0, 'unreadable file(s)'],
    [s.reconciled.failed, 'unregistered blob(s)'],
    [detectFailed, 'failed detection(s)'],
    [s.detected.gaveUp, 'given up after crashes'],
    [s.recognised.embedded.failed, 'face(s) not embedded'],
  ] as const;
  const total = parts.reduce((sum, [n]) => sum + n, 0);
  const detail = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  let line = `${total} failed${detail.length ? ` (${detail.join(', ')})` : ''}`;
  if (s.detected.stuckLeases > 0)
    line += `; ${s.detected.stuckLeases} stuck lease(s) taken again (oldest expired ${formatAge(s.detected.oldestStuckSeconds ?? 0)} ago)`;
  return line;
}
