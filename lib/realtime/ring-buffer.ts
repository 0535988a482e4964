/**
 * A fixed-capacity FIFO that overwrites its oldest item, with a revision number that grows on
 * every change so views (charts) can redraw only when something changed. Used on the server
 * (one per asset) and in the browser. O(1) push, O(1) indexed access, no reallocation.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;
  private rev = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Grows by one on every push, drop or clear. */
  get revision(): number {
    return this.rev;
  }

  /** Appends; when full, the oldest item is overwritten (and returned). */
  push(item: T): T | undefined {
    let evicted: T | undefined;
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      evicted = this.items[this.start];
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
    this.rev++;
    return evicted;
  }

  /** Item `i` counted from the oldest (0) to the newest (length - 1); undefined outside. */
  at(i: number): T | undefined {
    if (i < 0) i += this.count;
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  first(): T | undefined {
    return this.at(0);
  }

  last(): T | undefined {
    return this.at(this.count - 1);
  }

  /** Drops items from the oldest end while `predicate` holds (e.g. older than the time window). */
  dropWhile(predicate: (item: T) => boolean): number {
    let dropped = 0;
    while (this.count > 0 && predicate(this.items[this.start] as T)) {
      this.items[this.start] = undefined;
      this.start = (this.start + 1) % this.capacity;
      this.count--;
      dropped++;
    }
    if (dropped) this.rev++;
    return dropped;
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.rev++;
  }

  /** Copies items `from`..`to` (exclusive, oldest-first indices) into a new array. */
  slice(from = 0, to = this.count): T[] {
    const lo = Math.max(0, from);
    const hi = Math.min(this.count, to);
    const out: T[] = [];
    for (let i = lo; i < hi; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }

  toArray(): T[] {
    return this.slice();
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.start + i) % this.capacity] as T;
  }

  /** First index whose key is >= `key`, for items sorted by key (binary search). */
  lowerBound(key: number, keyOf: (item: T) => number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keyOf(this.items[(this.start + mid) % this.capacity] as T) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
