/** LFW verification scoring: 10-fold cross-validated accuracy, missed faces counted as errors. */

export interface ScoredPair {
  /** cosine similarity, or null when a face was missing in either image */
  similarity: number | null;
  same: boolean;
  fold: number;
}

function accuracyAt(pairs: ScoredPair[], threshold: number): number {
  let correct = 0;
  for (const p of pairs) if (p.similarity !== null && p.similarity >= threshold === p.same) correct++;
  return correct / pairs.length;
}

export function bestThreshold(pairs: ScoredPair[]): number {
  const candidates = [...new Set(pairs.filter((p) => p.similarity !== null).map((p) => p.similarity as number))].sort(
    (a, b) => a - b,
  );
  let best = 0,
    bestAcc = -1;
  // thresholds between consecutive similarities
  for (let i = 0; i < candidates.length; i++) {
    const t = i === 0 ? candidates[0] : (candidates[i - 1] + candidates[i]) / 2;
    const acc = accuracyAt(pairs, t);
    if (acc > bestAcc) {
      bestAcc = acc;
      best = t;
    }
  }
  return best;
}

export function tenFold(pairs: ScoredPair[]): {
  mean: number;
  std: number;
  thresholds: number[];
  foldAccuracies: number[];
} {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const foldAccuracies: number[] = [];
  const thresholds: number[] = [];
  for (const f of folds) {
    const t = bestThreshold(pairs.filter((p) => p.fold !== f));
    thresholds.push(t);
    foldAccuracies.push(
      accuracyAt(
        pairs.filter((p) => p.fold === f),
        t,
      ),
    );
  }
  const mean = foldAccuracies.reduce((a, b) => a + b, 0) / foldAccuracies.length;
  const std = Math.sqrt(foldAccuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / foldAccuracies.length);
  return { mean, std, thresholds, foldAccuracies };
}
