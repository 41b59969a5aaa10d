/**
 * Memory the dot-product kernel reads, with a small allocator over it. Embeddings the kernel
 * compares must live in the kernel's memory (the streamed library's matrix, a cone tree's rows
 * and centres), so a call passes offsets and copies nothing.
 *
 * Each KernelMemory is one WebAssembly.Memory with its own instance of the kernel. It is shared
 * (a SharedArrayBuffer): growing it never detaches the views JavaScript holds (each face's
 * embedding is a view of the library's matrix), while growing an unshared memory would. Address
 * space is reserved up to 4 GiB; only what is touched costs RAM.
 *
 * Lifetimes: `commonMemory` serves everything small and is used by blocks that are freed
 * explicitly (a cone tree frees its blocks when it is collected: cone-tree.ts). The library's
 * matrix gets a KernelMemory of its own (face-matrix.ts), so it lives exactly as long as any view
 * of it: when the last face's embedding is collected, so is the memory. No release call to forget.
 */
import { instantiateKernel, type KernelExports } from './dot-kernel.js';

const PAGE = 65536;
const MAX_PAGES = 65536;
const ALIGN = 16;

/** The KernelMemory behind each buffer it has shown (one per size it grew to). */
const owners = new WeakMap<ArrayBufferLike, KernelMemory>();

export class KernelMemory {
  readonly memory: WebAssembly.Memory;
  /**
   * The kernel's functions on byte addresses (dot-kernel.ts), for hot loops that keep the
   * addresses of their arrays (a view's byteOffset costs more to read than the call itself).
   */
  readonly calls: KernelExports;
  /** Free spans [start, size] in address order, the live blocks, and the end of the highest one. */
  private readonly freeSpans: [number, number][] = [];
  private readonly live = new Map<number, number>();
  // Address 0 stays unused, so that a zero offset never names a block.
  private top = ALIGN;

  constructor(initialBytes = PAGE) {
    this.memory = new WebAssembly.Memory({
      initial: Math.max(1, Math.ceil(initialBytes / PAGE)),
      maximum: MAX_PAGES,
      shared: true,
    });
    this.calls = instantiateKernel(this.memory);
  }

  /** The KernelMemory a view lies in, if any. */
  static of(view: ArrayBufferView): KernelMemory | undefined {
    return owners.get(view.buffer);
  }

  private buffer(): ArrayBufferLike {
    const current = this.memory.buffer;
    owners.set(current, this);
    return current;
  }

  private allocate(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const spans = this.freeSpans;
    for (let s = 0; s < spans.length; s++) {
      const [start, spare] = spans[s];
      if (spare < size) continue;
      if (spare === size) spans.splice(s, 1);
      else spans[s] = [start + size, spare - size];
      this.live.set(start, size);
      return start;
    }
    const start = this.top;
    const needed = start + size;
    const have = this.memory.buffer.byteLength;
    if (needed > have) {
      const pages = Math.ceil((needed - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES)
        throw new RangeError(`The kernel's memory cannot hold ${bytes} more bytes (4 GiB in all).`);
      this.memory.grow(pages);
    }
    this.top = needed;
    this.live.set(start, size);
    return start;
  }

  f32(length: number): Float32Array {
    const start = this.allocate(length * 4);
    return new Float32Array(this.buffer(), start, length);
  }

  f64(length: number): Float64Array {
    const start = this.allocate(length * 8);
    return new Float64Array(this.buffer(), start, length);
  }

  i32(length: number): Int32Array {
    const start = this.allocate(length * 4);
    return new Int32Array(this.buffer(), start, length);
  }

  i16(length: number): Int16Array {
    const start = this.allocate(length * 2);
    return new Int16Array(this.buffer(), start, length);
  }

  i8(length: number): Int8Array {
    const start = this.allocate(length);
    return new Int8Array(this.buffer(), start, length);
  }

  /** Returns the block a view from f32/f64/i32/i16/i8 starts. */
  free(view: ArrayBufferView): void {
    if (!this.owns(view)) throw new Error('The view is not in this kernel memory.');
    this.freeAt(view.byteOffset);
  }

  freeAt(start: number): void {
    const size = this.live.get(start);
    if (size === undefined) throw new Error(`No kernel memory block starts at ${start}.`);
    this.live.delete(start);
    const spans = this.freeSpans;
    // Insert in address order and coalesce with the neighbours.
    let s = 0;
    while (s < spans.length && spans[s][0] < start) s++;
    spans.splice(s, 0, [start, size]);
    if (s + 1 < spans.length && start + size === spans[s + 1][0]) {
      spans[s][1] += spans[s + 1][1];
      spans.splice(s + 1, 1);
    }
    if (s > 0 && spans[s - 1][0] + spans[s - 1][1] === start) {
      spans[s - 1][1] += spans[s][1];
      spans.splice(s, 1);
    }
    // A span that reaches the top gives its room back to the top.
    const last = spans[spans.length - 1];
    if (last && last[0] + last[1] === this.top) {
      this.top = last[0];
      spans.pop();
    }
  }

  /** Whether the kernel of this memory can read the view in place. */
  owns(view: ArrayBufferView): boolean {
    return owners.get(view.buffer) === this;
  }

  /** Bytes in live blocks (for tests and leak checks). */
  bytesInUse(): number {
    let sum = 0;
    for (const size of this.live.values()) sum += size;
    return sum;
  }

  /**
   * dotF32 (cosine.ts), bit for bit, over rows in this memory: offsets in floats from the start
   * of each view, as dotF32 takes them.
   */
  dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, length: number): number {
    return this.calls.dot(a.byteOffset + aOffset * 4, b.byteOffset + bOffset * 4, length);
  }

  /**
   * out[i] = dotF32(q, qOffset, rows, first + i * stride, length) for i < count; every array in
   * this memory, out at least count long.
   */
  dotRange(
    q: Float32Array,
    qOffset: number,
    rows: Float32Array,
    first: number,
    stride: number,
    count: number,
    length: number,
    out: Float64Array,
  ): void {
    if (count > out.length) throw new RangeError(`dotRange: ${count} results, room for ${out.length}.`);
    this.calls.dotRange(
      q.byteOffset + qOffset * 4,
      rows.byteOffset + first * 4,
      stride * 4,
      count,
      length,
      out.byteOffset,
    );
  }

  /**
   * out[i] = dotF32(q, qOffset, rows, offsets[from + i], length) for i < count; every array in
   * this memory, out at least count long.
   */
  dotList(
    q: Float32Array,
    qOffset: number,
    rows: Float32Array,
    offsets: Int32Array,
    from: number,
    count: number,
    length: number,
    out: Float64Array,
  ): void {
    if (count > out.length || from + count > offsets.length)
      throw new RangeError(`dotList: ${count} results from ${from}, room for ${out.length} of ${offsets.length}.`);
    this.calls.dotList(
      q.byteOffset + qOffset * 4,
      rows.byteOffset,
      offsets.byteOffset + from * 4,
      count,
      length,
      out.byteOffset,
    );
  }
}

/**
 * `view` itself where a kernel can read it, else a copy in the common memory; release() frees
 * that copy (and does nothing for the view itself).
 */
export function inKernelMemory(view: Float32Array): {
  view: Float32Array;
  memory: KernelMemory;
  release: () => void;
} {
  const memory = KernelMemory.of(view);
  if (memory) return { view, memory, release: () => {} };
  const copy = commonMemory.f32(view.length);
  copy.set(view);
  return { view: copy, memory: commonMemory, release: () => commonMemory.free(copy) };
}

/** The memory for everything that is not a library matrix of its own. */
export const commonMemory = new KernelMemory(16 * PAGE);
