/**
 * The map's state store: one object holding the plan on show, its version, the selection and
 * the view settings; panels and layers read it in `render(state)` and change it only through
 * {@link Store.set}, which tells every subscriber what changed.
 */

/** What the panels render from. */
export interface ViewState {
  /** Id of the plan on show (null before one is loaded). */
  planId: string | null;
  /** Its version (edits bump it). */
  version: number;
  /** Selected beat (index into the model's beat ids), or null. */
  selectedBeat: number | null;
  /** Id of the plan compared with, or null. */
  comparedWith: string | null;
  /** Beat-label revision: bumped when cells change beat (labels move). */
  labelsRevision: number;
}

/** A subscriber: the new state and the keys that changed. */
export type Listener<S> = (state: Readonly<S>, changed: ReadonlySet<keyof S>) => void;

/**
 * A minimal synchronous store: `set` merges a patch, and when any value changed (by `===`)
 * calls every listener once, in subscription order, with the keys that changed.
 * @example const s = new Store({ n: 0 }); s.subscribe((st) => console.log(st.n)); s.set({ n: 1 }); // logs 1
 */
export class Store<S extends object> {
  private state: S;
  private readonly listeners: Array<Listener<S>> = [];

  constructor(initial: S) {
    this.state = { ...initial };
  }

  /** The current state (do not mutate; use {@link set}). */
  get(): Readonly<S> {
    return this.state;
  }

  /** Merges `patch`; notifies the listeners when anything changed. @returns the keys that changed */
  set(patch: Partial<S>): ReadonlySet<keyof S> {
    const changed = new Set<keyof S>();
    for (const k of Object.keys(patch) as Array<keyof S>) if (this.state[k] !== patch[k]) changed.add(k);
    if (!changed.size) return changed;
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l(this.state, changed);
    return changed;
  }

  /** Calls `listener` on every change. @returns a function that unsubscribes */
  subscribe(listener: Listener<S>): () => void {
    this.listeners.push(listener);
    return () => {
      const k = this.listeners.indexOf(listener);
      if (k >= 0) this.listeners.splice(k, 1);
    };
  }
}

/** The state of a freshly started map. */
export function initialViewState(): ViewState {
  return { planId: null, version: 0, selectedBeat: null, comparedWith: null, labelsRevision: 0 };
}
