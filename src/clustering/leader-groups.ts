/**
 * Tight groups for the cone tree's leaves: each point, in input order, joins the first
 * known leader within the group radius or becomes a leader itself.
 *
 * Why not split top-down: in 128-d any hyperplane cuts through most face clusters (a
 * cluster's spread along one direction is comparable to the spread of cluster centres), so
 * top-down leaves end up mixing identities and no cone prunes. Leaders keep clusters whole.
 *
 * Candidate leaders come from SimHash tables (random hyperplanes), so looking one up costs
 * a few dozen dot products instead of one per leader. It is approximate: a missed leader
 * just starts an extra group. That makes groups a little less tight, never search results
 * wrong, since the tree's bounds come from the actual points.
 */
import { dotF32, dotF64 } from './cosine.js';
import { gaussian, seededRandom } from './random.js';

/** Random hyperplanes; each table keys on its own random subset of their sign bits. */
const PROJECTIONS = 64;
const TABLES = 32;
/** Near leaders share a bucket in several tables, chance ones in about one. */
const MAX_SINGLE_HITS_CHECKED = 32;

/**
 * Bits per table key: about one leader per 8 points is expected, and a bucket should hold a few
 * of them, so the key grows with n (4..13 bits). A fixed 8 bits made every lookup scan
 * n / 2,000 leaders per table: quadratic, minutes at 1M points. More bits make a near leader
 * share fewer tables (each bit agrees with probability 1 - angle / pi), which the 32 tables make
 * up for; a missed leader only starts an extra group, which the merge pass folds back.
 */
function bitsFor(n: number): number {
  return Math.max(4, Math.min(13, Math.ceil(Math.log2(Math.max(2, n / 64)))));
}

/**
 * signs[h] = 1 when row `offset` of `source` lies on the positive side of plane h. Four planes
 * at a time over a float64 copy of the row: each element of the row is loaded once per four
 * products (about 1.6x faster than one dot product per plane). Only which leader a point
 * meets depends on these signs, never a search result.
 */
function projectSigns(
  source: Float32Array,
  offset: number,
  planes: Float64Array,
  dim: number,
  row: Float64Array,
  signs: Uint8Array,
): void {
  for (let k = 0; k < dim; k++) row[k] = source[offset + k];
  for (let h = 0; h < PROJECTIONS; h += 4) {
    const b0 = h * dim,
      b1 = b0 + dim,
      b2 = b1 + dim,
      b3 = b2 + dim;
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let k = 0; k < dim; k++) {
      const x = row[k];
      s0 += x * planes[b0 + k];
      s1 += x * planes[b1 + k];
      s2 += x * planes[b2 + k];
      s3 += x * planes[b3 + k];
    }
    signs[h] = s0 >= 0 ? 1 : 0;
    signs[h + 1] = s1 >= 0 ? 1 : 0;
    signs[h + 2] = s2 >= 0 ? 1 : 0;
    signs[h + 3] = s3 >= 0 ? 1 : 0;
  }
}

/**
 * Rows of `source` (scaled by invNorm to unit length) visited in `order`; returns groups of
 * row indices, each led by its first row.
 */
export function leaderGroups(
  source: Float32Array,
  invNorm: Float64Array,
  dim: number,
  minCos: number,
  order?: ArrayLike<number>,
  seed = 0x5eed,
): number[][] {
  const n = invNorm.length;
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const planes = new Float64Array(PROJECTIONS * dim);
  for (let k = 0; k < planes.length; k++) planes[k] = normal();
  const bits = bitsFor(n);
  const bitIndex = Array.from({ length: TABLES }, () =>
    Int32Array.from({ length: bits }, () => Math.floor(random() * PROJECTIONS)),
  );
  // Buckets as linked lists in typed arrays: head[t << bits | key] -> entry, entry -> next entry.
  const head = new Int32Array(TABLES << bits).fill(-1);
  let entryLeader = new Int32Array(1024);
  let entryNext = new Int32Array(1024);
  let entries = 0;
  const groups: number[][] = [];
  const groupOfLeader = new Int32Array(n).fill(-1);
  const signs = new Uint8Array(PROJECTIONS);
  const row = new Float64Array(dim);
  const keys = new Int32Array(TABLES);
  const hits = new Int32Array(n);
  const touched: number[] = [];

  const joins = (i: number, leader: number): boolean =>
    dotF32(source, i * dim, source, leader * dim, dim) * invNorm[i] * invNorm[leader] >= minCos;

  for (let o = 0; o < n; o++) {
    const i = order ? order[o] : o;
    projectSigns(source, i * dim, planes, dim, row, signs);
    touched.length = 0;
    for (let t = 0; t < TABLES; t++) {
      const index = bitIndex[t];
      let key = 0;
      for (let b = 0; b < bits; b++) key |= signs[index[b]] << b;
      keys[t] = (t << bits) | key;
      for (let e = head[keys[t]]; e >= 0; e = entryNext[e]) {
        const leader = entryLeader[e];
        if (hits[leader]++ === 0) touched.push(leader);
      }
    }
    let leader = -1;
    for (const candidate of touched) {
      if (hits[candidate] > 1 && joins(i, candidate)) {
        leader = candidate;
        break;
      }
    }
    if (leader < 0) {
      let checked = 0;
      for (const candidate of touched) {
        if (hits[candidate] !== 1) continue;
        if (checked++ >= MAX_SINGLE_HITS_CHECKED) break;
        if (joins(i, candidate)) {
          leader = candidate;
          break;
        }
      }
    }
    for (const candidate of touched) hits[candidate] = 0;

    if (leader >= 0) {
      groups[groupOfLeader[leader]].push(i);
      continue;
    }
    groupOfLeader[i] = groups.length;
    groups.push([i]);
    if (entries + TABLES > entryLeader.length) {
      const grownLeader = new Int32Array(entryLeader.length * 2);
      const grownNext = new Int32Array(entryNext.length * 2);
      grownLeader.set(entryLeader);
      grownNext.set(entryNext);
      entryLeader = grownLeader;
      entryNext = grownNext;
    }
    for (let t = 0; t < TABLES; t++) {
      entryLeader[entries] = i;
      entryNext[entries] = head[keys[t]];
      head[keys[t]] = entries++;
    }
  }
  return groups;
}

/**
 * Leaders alone leave extra groups: a face far from the first face seen of its identity,
 * or one the hash tables missed. A second leader pass over the group centres (largest
 * groups first) folds those into the group they belong to.
 */
export function mergedLeaderGroups(
  source: Float32Array,
  invNorm: Float64Array,
  dim: number,
  minCos: number,
): number[][] {
  const groups = leaderGroups(source, invNorm, dim, minCos);
  const centres = new Float32Array(groups.length * dim);
  const sum = new Float64Array(dim);
  groups.forEach((members, g) => {
    sum.fill(0);
    for (const i of members) for (let k = 0; k < dim; k++) sum[k] += source[i * dim + k] * invNorm[i];
    const length = Math.sqrt(dotF64(sum, 0, sum, 0, dim)) || 1;
    for (let k = 0; k < dim; k++) centres[g * dim + k] = sum[k] / length;
  });
  const centreInvNorm = new Float64Array(groups.length);
  for (let g = 0; g < groups.length; g++)
    centreInvNorm[g] = 1 / (Math.sqrt(dotF32(centres, g * dim, centres, g * dim, dim)) || 1);
  const bySize = Array.from(groups.keys()).sort((a, b) => groups[b].length - groups[a].length || a - b);
  return leaderGroups(centres, centreInvNorm, dim, minCos, bySize).map((merged) => merged.flatMap((g) => groups[g]));
}
