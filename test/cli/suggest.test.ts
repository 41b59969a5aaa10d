/** Suggestions for misspelt names: close ones only, nearest first. */
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggest } from '../../src/cli/suggest.js';

describe('editDistance', () => {
  it.each([
    ['test', 'test', 0],
    ['tset', 'test', 1],
    ['persns', 'persons', 1],
    ['recognise', 'recognize', 1],
    ['', 'db', 2],
    ['watch', 'all', 4],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('suggest', () => {
  const commands = ['all', 'automate', 'db', 'persons', 'recluster', 'recognize', 'test', 'watch'];

  it('offers close names, nearest first, and nothing for unrelated words', () => {
    expect(suggest('recognise', commands)).toEqual(['recognize']);
    expect(suggest('reclus', commands)).toEqual(['recluster']);
    expect(suggest('al', commands)).toEqual(['all']);
    expect(suggest('photos', commands)).toEqual([]);
  });

  it('writes the sentence', () => {
    expect(didYouMean('--jsn', ['--json', '--database'])).toBe(' Did you mean --json?');
    expect(didYouMean('xyz', ['--json'])).toBe('');
    expect(didYouMean('auto', ['automate', 'autom'])).toBe(' Did you mean autom or automate?');
  });
});
