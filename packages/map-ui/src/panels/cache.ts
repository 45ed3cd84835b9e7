/**
 * The one small cache the panels share, in place of the `xxxKey` / `xxxSlot` / `xxxCache`
 * triplets: answers kept per key (a plan version, or a version × beat), a failed answer
 * forgotten so it is asked again, and the key of what the panel shows now.
 */

/**
 * Answers by key, each asked at most once while it has not failed; remembers which key the
 * panel is on ({@link current}), so an answer arriving after the panel moved on is ignored.
 * @example
 * const c = new KeyedCache<number>();
 * c.current = 'p@1';
 * const n = await c.get('p@1', async () => 42); // asks once; the same promise next time
 * c.isCurrent('p@1'); // true
 */
export class KeyedCache<T> {
  private readonly answers = new Map<string, Promise<T>>();
  /** Key of what the panel shows now ('' before anything). */
  current = '';

  /** The answer of `key`, asking `load` the first time (and again after a failure). */
  get(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.answers.get(key);
    if (!p) {
      p = load();
      this.answers.set(key, p);
      p.catch(() => this.answers.get(key) === p && this.answers.delete(key));
    }
    return p;
  }

  /** True when the answer of `key` was asked already (pending or in). */
  has(key: string): boolean {
    return this.answers.has(key);
  }

  /** True when the panel is still on `key` (an answer for it may be shown). */
  isCurrent(key: string): boolean {
    return this.current === key;
  }

  /** Forgets every answer (another plan is shown, or the caller's rights changed). */
  clear(): void {
    this.answers.clear();
    this.current = '';
  }
}

/**
 * A state that belongs to one key (e.g. a what-if form and its run, for one version × beat):
 * reading it under another key starts it afresh from `initial`.
 * @example
 * const s = new KeyedState(() => ({ runs: 0 }));
 * s.at('p@1#0111').runs++; s.at('p@1#0111').runs; // 1
 * s.at('p@2#0111').runs; // 0 (another version)
 */
export class KeyedState<T> {
  private key = '';
  private state: T;

  constructor(private readonly initial: () => T) {
    this.state = initial();
  }

  /** The state of `key` (fresh when the key changed since the last call). */
  at(key: string): T {
    if (key !== this.key) {
      this.key = key;
      this.state = this.initial();
    }
    return this.state;
  }

  /** The state as it is, whichever key it belongs to. */
  get value(): T {
    return this.state;
  }

  /** True when the state is `key`'s. */
  is(key: string): boolean {
    return this.key === key;
  }

  /** Replaces the state of `key`; ignored (false) when the state has moved to another key. */
  set(key: string, state: T): boolean {
    if (key !== this.key) return false;
    this.state = state;
    return true;
  }
}
