/**
 * The map's legend box: the colouring, the heat layer when on, the symbols on the map and the
 * ground reference layers drawn — redrawn whenever one of them changes, keeping the box open
 * or closed as the user left it.
 */
import { type MapLegendOptions, mapLegend } from '../legend.js';
import type { Legend, LegendItem } from '../map-style.js';
import { legendBox } from '../panels.js';

/** The legend box in its slot (`legend-slot` on the page). */
export class LegendPanel {
  /**
   * @param slot where the box goes (its content is replaced on each render)
   * @param reference the legend items of the ground reference layers drawn (none: no section)
   * @param options what the map shows now, for {@link update} (null: nothing to draw yet)
   */
  constructor(
    private readonly slot: HTMLElement,
    private readonly reference: () => readonly LegendItem[],
    private readonly options: () => MapLegendOptions | null = () => null,
  ) {}

  /**
   * Every section for what the map shows: {@link mapLegend}'s, then "Ground reference" when a
   * reference layer is drawn. The briefing sheet draws the same sections.
   * @example panel.sections({ mode: 'beat', colourOfBeat: [0, 1] }).map((l) => l.title)
   */
  sections(o: MapLegendOptions): Legend[] {
    const items = this.reference();
    return [...mapLegend(o), ...(items.length ? [{ title: 'Ground reference', items: [...items] }] : [])];
  }

  /** Redraws the box from `o`, open or closed as it was (open the first time). */
  render(o: MapLegendOptions): void {
    const open = (this.slot.querySelector('details') as HTMLDetailsElement | null)?.open ?? true;
    const box = legendBox(this.sections(o)) as HTMLDetailsElement;
    box.open = open;
    this.slot.replaceChildren(box);
  }

  /** Redraws the box from what the map shows now (`options`); nothing while it is null. */
  update(): void {
    const o = this.options();
    if (o) this.render(o);
  }
}
