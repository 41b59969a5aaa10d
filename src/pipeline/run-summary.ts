/**
 * The one wording of pipeline results, for the CLI, the timer function's log and the stages'
 * own log lines: "3 photo(s) processed, 11 face(s) found, 0 failed; 11 face(s) grouped ...".
 */
import type { GroupSummary } from './group-stage.js';
import type { RunSummary } from './pipeline-service.js';
import type { RegisterSummary } from './register-stage.js';
import { failuresLine } from './run-health.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** What a grouping run did; `detail` adds what only the logs need (verified matches, portraits). */
export function describeGrouping(g: GroupSummary, opts: { detail?: boolean; dryRun?: boolean } = {}): string {
  if (g.deferred) return 'grouping deferred: faces kept changing while it was decided; the next run groups them';
  if (!g.regrouped) return 'no new faces to group';
  const parts = [
    `${g.faces} face(s) grouped (${g.newFaces} new)${opts.dryRun ? ' in a dry run, nothing written' : ''}`,
    `${g.personsCreated} person(s) created, ${g.personsKept} kept, ${g.personsDeleted} deleted`,
    `${g.facesAssigned} face(s) given a person, ${g.facesMoved} moved to another, ${g.noise} left unassigned`,
  ];
  if (opts.detail)
    parts.push(
      `${g.joinedVerified} matched persons with verified faces, ${g.personsEmptied} person(s) emptied, ` +
        `${g.portraitsUpdated} portrait(s) updated, ${g.ms} ms`,
    );
  return parts.join('; ');
}

/**
 * One line for a whole run (reconciliation, detection, grouping, queued reclusters). The
 * failures part counts every failure of the run, registration's when given, and the leases
 * found stuck (run-health.ts).
 */
export function describeRun(s: RunSummary, registered?: RegisterSummary): string {
  const d = s.detected;
  const g = s.recognised.grouped;
  const r = s.reconciled;
  return [
    ...(r.found
      ? [`${r.registered + r.copies + r.moved} missed upload(s) registered${r.more ? ' (more next run)' : ''}`]
      : []),
    `${d.items} photo(s) processed, ${d.faces} face(s) found, ${failuresLine(s, registered)}`,
    g ? describeGrouping(g) : 'grouping skipped: another process is grouping right now',
    ...(s.reclusterRequests ? [`${s.reclusterRequests} queued recluster request(s) served`] : []),
    seconds(s.ms),
  ].join('; ');
}
