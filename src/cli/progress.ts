/**
 * Progress of a long run on stderr. On a terminal: one line redrawn in place with percentage,
 * rate and time left. In logs and CI (not a terminal): a plain line every `logEveryMs`, and
 * the last one, so a log of a long run stays short.
 */
export interface ProgressOptions {
  interactive?: boolean;
  /** Between plain lines when not interactive. */
  logEveryMs?: number;
  /** Between redraws on a terminal. */
  redrawEveryMs?: number;
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "detect: 120/480 (25%), 3.1 items/s, 1m56s left" */
export function progressLine(label: string, done: number, total: number, elapsedMs: number): string {
  const rate = done / Math.max(0.001, elapsedMs / 1000);
  const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
  const left =
    done < total ? `, ${formatDuration((total - done) / rate)} left` : `, ${formatDuration(elapsedMs / 1000)}`;
  return `${label}: ${done}/${total} (${percent}%), ${rate.toFixed(1)} items/s${done > 0 ? left : ''}`;
}

export function progressPrinter(
  label: string,
  write: (text: string) => void = (t) => process.stderr.write(t),
  opts: ProgressOptions = {},
): (done: number, total: number) => void {
  const now = opts.now ?? Date.now;
  const interactive = opts.interactive ?? false;
  const every = interactive ? (opts.redrawEveryMs ?? 250) : (opts.logEveryMs ?? 30_000);
  const started = now();
  let last = started;
  return (done, total) => {
    const t = now();
    const finished = done >= total;
    if (t - last < every && !finished) return;
    last = t;
    const line = progressLine(label, done, total, t - started);
    // \r returns to the line start, \x1b[K clears what a longer previous line left
    write(interactive ? `\r${line}\x1b[K${finished ? '\n' : ''}` : `${line}\n`);
  };
}
