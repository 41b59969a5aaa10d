/**
 * Disjoint sets over 0..n-1 whose representative is always the smallest member: so labels can
 * be given in order of each set's first member, and the result never depends on the order in
 * which pairs were joined (components, DBSCAN's clusters, merges of clusters).
 */
export class MinRootSets {
  private readonly parent: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[i] !== root) {
      const up = this.parent[i];
      this.parent[i] = root;
      i = up;
    }
    return root;
  }

  union(i: number, j: number): void {
    const a = this.find(i),
      b = this.find(j);
    if (a < b) this.parent[b] = a;
    else if (b < a) this.parent[a] = b;
  }

  /** Label of each member: 0, 1, ... in order of each set's smallest member. */
  labels(): Int32Array {
    const n = this.parent.length;
    const labels = new Int32Array(n);
    let next = 0;
    for (let i = 0; i < n; i++) {
      const root = this.find(i);
      labels[i] = root === i ? next++ : labels[root];
    }
    return labels;
  }
}
