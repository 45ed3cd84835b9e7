/**
 * The "find beat" box in the toolbar: type a beat number (suggestions come from the plan's
 * beats), Enter selects the best match ({@link findBeats}) and zooms to it; no match says so.
 */
import { findBeats } from '../labels.js';
import { el } from '../panels.js';

/** What the box needs from the app. */
export interface FindBeatDeps {
  /** The plan's beat ids (empty before a plan is loaded). */
  beatIds(): readonly string[];
  /** Selects beat `b` and zooms to it. */
  pick(b: number): void;
  /** Tells the user something (the status line). */
  say(message: string): void;
}

/** The find-beat box: `mount` once, `render` when the plan changes. */
export class FindBeatBox {
  private readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly list: HTMLDataListElement;

  constructor(private readonly deps: FindBeatDeps) {
    this.list = el('datalist', { id: 'find-beat-list' });
    this.input = el('input', {
      id: 'find-beat-input',
      type: 'search',
      list: 'find-beat-list',
      size: 8,
      autocomplete: 'off',
      placeholder: 'e.g. 1011',
      'aria-describedby': 'find-beat-help',
    });
    this.form = el(
      'form',
      { id: 'find-beat', class: 'find-beat', role: 'search', 'aria-label': 'Find a beat' },
      el('label', { for: 'find-beat-input' }, 'Find beat'),
      this.input,
      this.list,
      el('span', { id: 'find-beat-help', class: 'visually-hidden' }, 'Type a beat number and press Enter to select it and zoom to it.'),
    );
  }

  /** Puts the box into `parent` and wires Enter. @returns the box element */
  mount(parent: HTMLElement, before: Element | null = null): HTMLFormElement {
    parent.insertBefore(this.form, before);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.find(this.input.value);
    });
    return this.form;
  }

  /** Refreshes the suggestions from the plan's beats. */
  render(): void {
    this.list.replaceChildren(
      ...[...this.deps.beatIds()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((id) => el('option', { value: id })),
    );
  }

  /** Selects the best match of `query`. @returns the beat picked, or null */
  find(query: string): number | null {
    const [b] = findBeats(this.deps.beatIds(), query);
    if (b === undefined) {
      if (query.trim()) this.deps.say(`No beat matches “${query.trim()}”.`);
      return null;
    }
    this.deps.pick(b);
    return b;
  }
}
