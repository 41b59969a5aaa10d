import { describe, expect, it } from 'vitest';
import { dot, normalise } from '../../src/clustering/cosine.js';
import { choosePortrait, meanDistances } from '../../src/clustering/portrait.js';
import { FrsError } from '../../src/errors.js';

const at = (degrees: number) =>
  normalise(Float32Array.of(Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180), 0));
const face = (name: string, degrees: number, sharpness: number | null, score: number | null = 0.9) => ({
  name,
  embedding: at(degrees),
  sharpness,
  score,
});

describe('choosePortrait', () => {
  it('computes the mean cosine distance to the other faces', () => {
    const embeddings = [at(0), at(20), at(50)];
    const means = meanDistances(embeddings);
    embeddings.forEach((e, i) => {
      const others = embeddings.filter((_, j) => j !== i);
      expect(means[i]).toBeCloseTo(others.reduce((s, o) => s + 1 - dot(e, o), 0) / others.length, 6);
    });
  });

  it('returns the medoid when sharpness is equal', () => {
    const faces = [face('edge', 0, 5), face('middle', 10, 5), face('other edge', 22, 5)];
    expect(choosePortrait(faces).name).toBe('middle');
  });

  it('prefers a sharper face within the margin of the medoid', () => {
    // Medoid at 10 degrees; the face at 12 is nearly as central and much sharper.
    const faces = [face('a', 0, 1), face('medoid', 10, 1), face('sharp', 12, 50), face('b', 20, 1)];
    expect(choosePortrait(faces).name).toBe('sharp');
    expect(choosePortrait(faces, { margin: 0 }).name).toBe('medoid');
  });

  it('does not pick a sharp face far from the person', () => {
    const faces = [face('a', 0, 1), face('b', 2, 2), face('c', 4, 1), face('odd one out', 60, 100)];
    expect(choosePortrait(faces).name).toBe('b');
  });

  it('breaks sharpness ties by detection score and ranks unknown values last', () => {
    const tied = [face('low score', 0, 7, 0.6), face('high score', 1, 7, 0.95), face('no sharpness', 0.5, null, 1)];
    expect(choosePortrait(tied, { margin: 0.5 }).name).toBe('high score');
    expect(choosePortrait([face('unknown', 0, null), face('known', 1, 0)], { margin: 0.5 }).name).toBe('known');
  });

  it('returns the only face, and refuses none', () => {
    const only = face('only', 0, null);
    expect(choosePortrait([only])).toBe(only);
    expect(() => choosePortrait([])).toThrow(FrsError);
  });
});
