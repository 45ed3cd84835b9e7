/**
 * A binary min-heap of `(key, value)` pairs on typed arrays: a float key, an int32 value, no
 * object per entry. The one priority queue of the engine: Dijkstra in the min-cost-flow solver
 * (reduced distance → node) and on the road network (minutes → node), and the simulation's event
 * queue (completion times → unit) and call queue (priority-and-order key → call).
 */

/**
 * Binary min-heap with Float64 keys and Int32 values. Equal keys pop in no particular
 * order, so callers that need a tie rule fold it into the key (e.g. `priority · 2^32 + seq`).
 * Grows by doubling.
 * @example
 * const h = new MinHeap(16);
 * h.push(3.5, 7); h.push(1, 2);
 * h.peekKey(); // 1
 * h.pop();     // 2 (the value)
 */
export class MinHeap {
  private keys: Float64Array;
  private values: Int32Array;
  /** Entries in the heap. */
  size = 0;

  /** @param capacity initial capacity (entries); grows when exceeded */
  constructor(capacity = 64) {
    const c = Math.max(1, capacity | 0);
    this.keys = new Float64Array(c);
    this.values = new Int32Array(c);
  }

  /** Adds `value` under `key`. O(log n). */
  push(key: number, value: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.keys.length * 2);
      k.set(this.keys);
      const v = new Int32Array(this.values.length * 2);
      v.set(this.values);
      this.keys = k;
      this.values = v;
    }
    const keys = this.keys;
    const values = this.values;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= key) break;
      keys[i] = keys[p]!;
      values[i] = values[p]!;
      i = p;
    }
    keys[i] = key;
    values[i] = value;
  }

  /** The smallest key (Infinity when empty). */
  peekKey(): number {
    return this.size > 0 ? this.keys[0]! : Infinity;
  }

  /** The value under the smallest key (−1 when empty). */
  peekValue(): number {
    return this.size > 0 ? this.values[0]! : -1;
  }

  /** Removes the entry with the smallest key and returns its value (−1 when empty). O(log n). */
  pop(): number {
    if (this.size === 0) return -1;
    const keys = this.keys;
    const values = this.values;
    const top = values[0]!;
    const n = --this.size;
    if (n > 0) {
      const lk = keys[n]!;
      const lv = values[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && keys[c + 1]! < keys[c]!) c++;
        if (keys[c]! >= lk) break;
        keys[i] = keys[c]!;
        values[i] = values[c]!;
        i = c;
      }
      keys[i] = lk;
      values[i] = lv;
    }
    return top;
  }

  /** Empties the heap (capacity kept). */
  clear(): void {
    this.size = 0;
  }
}
