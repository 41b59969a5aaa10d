/** A one-line progress report for long runs: items done / total and rate, at most every 2 s. */
export function progressPrinter(
  label: string,
  write: (text: string) => void = (l) => process.stderr.write(l),
  _opts: { interactive?: boolean } = {},
): (done: number, total: number) => void {
  const started = Date.now();
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 2000 && done < total) return;
    last = now;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    write(`${label}: ${done}/${total} items, ${rate.toFixed(1)} items/s\n`);
  };
}
