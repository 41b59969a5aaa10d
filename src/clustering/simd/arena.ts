/**
 * The memory the dot-product kernel reads: one WebAssembly.Memory for the process, and a small
 * allocator over it. Embeddings the kernel compares must live here (the streamed library's
 * matrix, a cone tree's rows and centres), so a call passes offsets and copies nothing.
 *
 * The memory is shared (SharedArrayBuffer): growing it never detaches the views JavaScript
 * holds (each face's embedding is a view of the library's matrix), while growing an unshared
 * memory would. It is reserved up to 4 GiB of address space but only what is touched costs RAM.
 *
 * Lifetimes are explicit: `free` returns a block. A cone tree frees its blocks when it is
 * collected (FinalizationRegistry, cone-tree.ts); the library's matrix when the regroup that
 * read it ends (face-matrix.ts).
 */
const PAGE = 65536;
const MAX_PAGES = 65536;
const ALIGN = 16;

export const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });

/** Every buffer this memory has shown (one per size it grew to): views of any are ours. */
const buffers = new WeakSet<ArrayBufferLike>();
function buffer(): ArrayBufferLike {
  const current = memory.buffer;
  buffers.add(current);
  return current;
}

/** Free spans [start, size] in address order, and the end of the highest live block. */
const freeSpans: [number, number][] = [];
const live = new Map<number, number>();
// Address 0 stays unused, so that a zero offset never names a block.
let top = ALIGN;

function allocate(bytes: number): number {
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  for (let s = 0; s < freeSpans.length; s++) {
    const [start, spare] = freeSpans[s];
    if (spare < size) continue;
    if (spare === size) freeSpans.splice(s, 1);
    else freeSpans[s] = [start + size, spare - size];
    live.set(start, size);
    return start;
  }
  const start = top;
  const needed = start + size;
  const have = memory.buffer.byteLength;
  if (needed > have) {
    const pages = Math.ceil((needed - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES)
      throw new RangeError(`The kernel's memory cannot hold ${bytes} more bytes (4 GiB in all).`);
    memory.grow(pages);
  }
  top = needed;
  live.set(start, size);
  return start;
}

/** Returns the block a view from f32/f64/i32 starts; a view it does not know is an error. */
export function free(view: ArrayBufferView): void {
  freeAt(view.byteOffset);
}

export function freeAt(start: number): void {
  const size = live.get(start);
  if (size === undefined) throw new Error(`No kernel memory block starts at ${start}.`);
  live.delete(start);
  // Insert in address order and coalesce with the neighbours.
  let s = 0;
  while (s < freeSpans.length && freeSpans[s][0] < start) s++;
  freeSpans.splice(s, 0, [start, size]);
  if (s + 1 < freeSpans.length && start + size === freeSpans[s + 1][0]) {
    freeSpans[s][1] += freeSpans[s + 1][1];
    freeSpans.splice(s + 1, 1);
  }
  if (s > 0 && freeSpans[s - 1][0] + freeSpans[s - 1][1] === start) {
    freeSpans[s - 1][1] += freeSpans[s][1];
    freeSpans.splice(s, 1);
    s--;
  }
  // A span that reaches the top gives its room back to the top.
  const last = freeSpans[freeSpans.length - 1];
  if (last && last[0] + last[1] === top) {
    top = last[0];
    freeSpans.pop();
  }
}

export function f32(length: number): Float32Array {
  const start = allocate(length * 4);
  return new Float32Array(buffer(), start, length);
}

export function f64(length: number): Float64Array {
  const start = allocate(length * 8);
  return new Float64Array(buffer(), start, length);
}

export function i32(length: number): Int32Array {
  const start = allocate(length * 4);
  return new Int32Array(buffer(), start, length);
}

/** Whether the kernel can read this view in place (it lies in the kernel's memory). */
export function inArena(view: ArrayBufferView): boolean {
  return buffers.has(view.buffer);
}

/** Bytes in live blocks (for tests and leak checks). */
export function bytesInUse(): number {
  let sum = 0;
  for (const size of live.values()) sum += size;
  return sum;
}
