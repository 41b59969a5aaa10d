/**
 * Crash testing hook. `FRS_FAULT_AT=<point>:<n>` (environment, read once) kills this process
 * with SIGKILL the n-th time it reaches `faultPoint(<point>)`, exactly as an out-of-memory kill
 * or a host recycle would: no finally blocks, no rollback but the database's own. Unset (always,
 * outside the fault-injection suite in test/reliability/) it costs one comparison.
 * Points: claim, start, detect, thumbnail, write, embed, regroup.
 */
const spec = /^([a-z]+)(?::(\d+))?$/.exec(process.env.FRS_FAULT_AT ?? '');
const target = spec ? { point: spec[1], nth: Number(spec[2] ?? 1) } : null;
let hits = 0;

export function faultPoint(point: string): void {
  if (target?.point !== point) return;
  if (++hits >= target.nth) process.kill(process.pid, 'SIGKILL');
}
