/** Progress: percentage, rate and time left; redrawn on a terminal, a line per interval in logs. */
import { describe, expect, it } from 'vitest';
import { formatDuration, progressLine, progressPrinter } from '../../src/cli/progress.js';

describe('progressLine', () => {
  it('says how far, how fast and how long is left', () => {
    expect(progressLine('detect', 120, 480, 40_000)).toBe('detect: 120/480 (25%), 3.0 items/s, 2m00s left');
    expect(progressLine('detect', 480, 480, 160_000)).toBe('detect: 480/480 (100%), 3.0 items/s, 2m40s');
    expect(progressLine('detect', 0, 10, 1000)).toBe('detect: 0/10 (0%), 0.0 items/s');
  });

  it.each([
    [5, '5s'],
    [125, '2m05s'],
    [7260, '2h01m'],
  ])('%i s is %s', (s, text) => expect(formatDuration(s)).toBe(text));
});

describe('progressPrinter', () => {
  function run(interactive: boolean, steps: Array<[number, number]>) {
    let clock = 0;
    const out: string[] = [];
    const report = progressPrinter('detect', (t) => out.push(t), { interactive, now: () => clock });
    for (const [at, done] of steps) {
      clock = at;
      report(done, 10);
    }
    return out;
  }

  it('in logs, writes a line per 30 s and the last one', () => {
    const out = run(false, [
      [1000, 1],
      [20_000, 2],
      [31_000, 3],
      [40_000, 4],
      [45_000, 10],
    ]);
    expect(out).toEqual(['detect: 3/10 (30%), 0.1 items/s, 1m12s left\n', 'detect: 10/10 (100%), 0.2 items/s, 45s\n']);
  });

  it('on a terminal, redraws one line in place and ends it when done', () => {
    const out = run(true, [
      [300, 1], // drawn
      [400, 2], // 100 ms later: skipped
      [600, 3], // drawn
      [1000, 10], // done: drawn, line ended
    ]);
    expect(out).toHaveLength(3);
    expect(out.every((t) => t.startsWith('\r'))).toBe(true);
    expect(out.at(-1)).toMatch(/10\/10 \(100%\)/);
    expect(out.at(-1)?.endsWith('\u001b[K\n')).toBe(true);
  });
});
