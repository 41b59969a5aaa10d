/**
 * Tight groups for the cone tree's leaves: each point, in input order, joins a known leader
 * within the group radius (a recent one, else the first the hash tables offer) or becomes a
 * leader itself.
 *
 * Why not split top-down: in 128-d any hyperplane cuts through most face clusters (a
 * cluster's spread along one direction is comparable to the spread of cluster centres), so
 * top-down leaves end up mixing identities and no cone prunes. Leaders keep clusters whole.
 *
 * Candidate leaders come from SimHash tables (random hyperplanes), so looking one up costs
 * at most a few dozen dot products instead of one per leader. Each point also carries all 64
 * sign bits as a signature: how many bits differ from a leader's estimates their angle, so
 * leaders too far to be within the radius are dropped unread, a close one is dotted at once (the
 * first that takes the point ends the lookup) and the others nearest first. Whichever leader a
 * point joins is within the radius. It is approximate: a missed leader just starts an extra group.
 * That makes groups a little less tight, never search results wrong, since the tree's bounds
 * come from the actual points.
 */
import { dotF32, dotF64 } from './cosine.js';
import { gaussian, seededRandom } from './random.js';
import { commonMemory, inKernelMemory, KernelMemory } from './simd/kernel-memory.js';

/** Random hyperplanes: each table keys on its own random subset of their sign bits; all 64 make a point's signature. */
const PROJECTIONS = 64;
const TABLES = 32;
/**
 * Ints per bucket block: its older block, its count and up to 10 leaders as (group, signature
 * low, signature high): two cache lines, read in order. The signature beside the group number is
 * what makes a scan cheap: a leader is judged where it is met, with no lookup elsewhere per entry.
 */
const BLOCK = 32;
const ENTRY = 3;
const ENTRIES_PER_BLOCK = (BLOCK - 2) / ENTRY;
/** Leaders beyond the close distance dotted per point once every table is scanned, nearest signature first. */
const MAX_CANDIDATES_CHECKED = 32;
/**
 * Groups that took a point last, checked before the hash tables. A library read in insertion
 * order brings one person's faces close together (a photo series, one event's pictures): a dot
 * each here, where a lookup scans hundreds of leaders in scattered buckets. Out of order they
 * cost a few dots a point and change nothing else.
 */
const RECENT = 4;

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
 * A signature distance (differing sign bits) for leaders just within the group radius, `deviations`
 * standard deviations above the mean. Two rows at angle a differ in each bit with probability
 * a / pi; a leader met in a bucket agrees on that table's key bits, so only the `free` others can
 * differ, about free * a / pi of them at the radius. Unrelated rows differ in about half.
 */
function signatureDistance(minCos: number, free: number, deviations: number): number {
  const p = Math.acos(Math.max(-1, Math.min(1, minCos))) / Math.PI;
  return Math.min(PROJECTIONS, Math.floor(free * p + deviations * Math.sqrt(free * p * (1 - p))));
}

/** Set bits of a 32-bit int (the usual SWAR count: no loop per bit). */
function popCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
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
  const random = seededRandom(seed);
  const normal = gaussian(random);
  // The rows and the planes where the kernel reads them; planes transposed (see project in
  // dot-kernel.ts): element k of plane h at k * PROJECTIONS + h.
  const rows = inKernelMemory(source);
  const { memory } = rows;
  const planes = memory.f64(PROJECTIONS * dim);
  const sums = memory.f64(PROJECTIONS);
  try {
    for (let h = 0; h < PROJECTIONS; h++) for (let k = 0; k < dim; k++) planes[k * PROJECTIONS + h] = normal();
    return groupByLeaders(rows.view, invNorm, dim, minCos, order, random, planes, sums);
  } finally {
    memory.free(sums);
    memory.free(planes);
    rows.release();
  }
}

function groupByLeaders(
  source: Float32Array,
  invNorm: Float64Array,
  dim: number,
  minCos: number,
  order: ArrayLike<number> | undefined,
  random: () => number,
  planes: Float64Array,
  sums: Float64Array,
): number[][] {
  const n = invNorm.length;
  const { calls } = KernelMemory.of(source)!;
  const sourceAt = source.byteOffset,
    planesAt = planes.byteOffset,
    sumsAt = sums.byteOffset,
    rowBytes = dim * 4;
  const bits = bitsFor(n);
  // Leaders farther than maxDistance are not worth a dot (nearly every joinable one is nearer);
  // one within closeDistance is dotted as soon as it is met, and the first that takes the point
  // ends the lookup: most points find their leader in the first few tables. Farther candidates
  // wait until every table is scanned and are dotted nearest first.
  const maxDistance = signatureDistance(minCos, PROJECTIONS - bits, 2) + 1;
  const closeDistance = signatureDistance(minCos, PROJECTIONS - bits, 1);
  const bitIndex = Array.from({ length: TABLES }, () =>
    Int32Array.from({ length: bits }, () => Math.floor(random() * PROJECTIONS)),
  );
  // Buckets as lists of blocks in one typed array: head[t << bits | key] -> newest block. A list
  // of single entries cost a dependent cache miss per leader looked at.
  const head = new Int32Array(TABLES << bits).fill(-1);
  let blocks = new Int32Array(BLOCK * 1024);
  let blockCount = 0;
  const groups: number[][] = [];
  const keys = new Int32Array(TABLES);
  // The point each group was last met for (o + 1), so a leader met in several tables is judged once.
  const metFor = new Int32Array(n);
  // Leaders worth a dot for this point, by signature distance: a counting sort over 0..maxDistance.
  const candidates = new Int32Array(n);
  const distances = new Uint8Array(n);
  const perDistance = new Int32Array(maxDistance + 2);
  const sorted = new Int32Array(n);
  const recent = new Int32Array(RECENT).fill(-1);
  // Each group's first row, beside the groups: reading it through groups[g] cost a cache miss a candidate.
  const leaderRows = new Int32Array(n);
  /** Moves group g to the front of `recent` (dropping the oldest when it was not there). */
  const refresh = (g: number): void => {
    let at = recent.indexOf(g);
    if (at < 0) at = RECENT - 1;
    for (; at > 0; at--) recent[at] = recent[at - 1];
    recent[0] = g;
  };

  // dotF32's value, from the kernel (dot-kernel.ts), with the leader of group g (its first row).
  const joins = (i: number, g: number): boolean => {
    const leader = leaderRows[g];
    return (
      calls.dot(sourceAt + i * rowBytes, sourceAt + leader * rowBytes, dim) * invNorm[i] * invNorm[leader] >= minCos
    );
  };

  for (let o = 0; o < n; o++) {
    const i = order ? order[o] : o;
    let found = -1;
    for (let r = 0; r < RECENT && found < 0; r++) if (recent[r] >= 0 && joins(i, recent[r])) found = recent[r];
    if (found >= 0) {
      groups[found].push(i);
      refresh(found);
      continue;
    }
    // Bit h of the signature is set when the row lies on the positive side of plane h. Only which
    // leader a point meets depends on these, never a search result.
    calls.project(sourceAt + i * rowBytes, planesAt, dim, PROJECTIONS, sumsAt);
    let low = 0,
      high = 0;
    for (let h = 0; h < 32; h++) {
      low |= (sums[h] >= 0 ? 1 : 0) << h;
      high |= (sums[h + 32] >= 0 ? 1 : 0) << h;
    }
    let count = 0;
    perDistance.fill(0);
    scan: for (let t = 0; t < TABLES; t++) {
      const index = bitIndex[t];
      let key = 0;
      for (let b = 0; b < bits; b++) {
        const h = index[b];
        key |= ((h < 32 ? low >>> h : high >>> (h - 32)) & 1) << b;
      }
      keys[t] = (t << bits) | key;
      for (let block = head[keys[t]]; block >= 0; block = blocks[block * BLOCK]) {
        const base = block * BLOCK;
        const last = base + 2 + blocks[base + 1] * ENTRY;
        for (let entry = base + 2; entry < last; entry += ENTRY) {
          const distance = popCount(blocks[entry + 1] ^ low) + popCount(blocks[entry + 2] ^ high);
          const g = blocks[entry];
          if (distance > maxDistance || metFor[g] === o + 1) continue;
          metFor[g] = o + 1;
          if (distance <= closeDistance) {
            if (joins(i, g)) {
              found = g;
              break scan;
            }
            continue;
          }
          candidates[count] = g;
          distances[count++] = distance;
          perDistance[distance + 1]++;
        }
      }
    }
    if (found < 0 && count > 0) {
      // Nearest signature first; ties in the order met.
      for (let d = 1; d <= maxDistance + 1; d++) perDistance[d] += perDistance[d - 1];
      for (let c = 0; c < count; c++) sorted[perDistance[distances[c]]++] = candidates[c];
      for (let c = 0; c < Math.min(count, MAX_CANDIDATES_CHECKED); c++) {
        if (joins(i, sorted[c])) {
          found = sorted[c];
          break;
        }
      }
    }

    if (found >= 0) {
      groups[found].push(i);
      refresh(found);
      continue;
    }
    const g = groups.length;
    leaderRows[g] = i;
    groups.push([i]);
    refresh(g);
    if ((blockCount + TABLES) * BLOCK > blocks.length) {
      const grown = new Int32Array(blocks.length * 2);
      grown.set(blocks);
      blocks = grown;
    }
    for (let t = 0; t < TABLES; t++) {
      let block = head[keys[t]];
      if (block < 0 || blocks[block * BLOCK + 1] === ENTRIES_PER_BLOCK) {
        const fresh = blockCount++;
        blocks[fresh * BLOCK] = block;
        blocks[fresh * BLOCK + 1] = 0;
        head[keys[t]] = block = fresh;
      }
      const entry = block * BLOCK + 2 + blocks[block * BLOCK + 1]++ * ENTRY;
      blocks[entry] = g;
      blocks[entry + 1] = low;
      blocks[entry + 2] = high;
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
  // Beside the rows, where the kernel reads them (no copy into the common memory).
  const memory = KernelMemory.of(source) ?? commonMemory;
  const centres = memory.f32(groups.length * dim);
  try {
    return mergeGroups(source, invNorm, dim, minCos, groups, centres);
  } finally {
    memory.free(centres);
  }
}

function mergeGroups(
  source: Float32Array,
  invNorm: Float64Array,
  dim: number,
  minCos: number,
  groups: number[][],
  centres: Float32Array,
): number[][] {
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
