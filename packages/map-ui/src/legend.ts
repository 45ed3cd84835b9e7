/**
 * The map's legend as data: one section per thing drawn — the cell colouring (every colour
 * with its meaning, from `legendFor`), the incidents heat ramp when the heat layer is on, and
 * the symbols (outlines, the comparison plan's outlines, changed cells, selected and locked
 * beats). The swipe view names its two sides on the map itself. Pure builders; `panels.ts` turns them into DOM and `exports.ts`
 * draws them on the briefing sheet.
 */
import { HEAT_GAMMA, HEAT_OPACITY, type HeatSummary } from './heat.js';
import {
  CHANGED_FILL,
  type FillOptions,
  formatNumber,
  type Legend,
  type LegendItem,
  legendFor,
  OUTLINE_COLOUR,
  OVERLAY_LINE,
  SELECTED_FILL,
  UNIT_EDGE,
} from './map-style.js';
import { HEAT_LOW_ALPHA, HEAT_RAMP } from './palette.js';

/**
 * The heat layer's section: the ramp from few to many incidents (a gradient bar), the
 * densities its stops stand for (weight = (density / peak)^γ, so a stop at `d` is about
 * peak × d^(1/γ) incidents per cell), and how small counts were protected in a public answer.
 * @example heatLegend({ bins: 10, maxDensity: 12, total: 40, shown: 40, k: 1, aggregated: false, suppressedIncidents: 0 })
 */
export function heatLegend(h: HeatSummary, gamma: number = HEAT_GAMMA): Legend {
  const items: LegendItem[] = HEAT_RAMP.map(([d, colour], k) => {
    const v = formatNumber(h.maxDensity * d ** (1 / gamma));
    return {
      colour,
      opacity: k === 0 ? HEAT_LOW_ALPHA * HEAT_OPACITY : HEAT_OPACITY,
      label:
        k === 0
          ? `few (≈ ${v} per cell)`
          : k === HEAT_RAMP.length - 1
            ? `most (${formatNumber(h.maxDensity)} per cell)`
            : `≈ ${v} per cell`,
    };
  });
  const note = h.aggregated
    ? `Pooled into areas of ≥ ${h.k} incidents each; ${h.suppressedIncidents.toLocaleString('en-GB')} of ${h.total.toLocaleString('en-GB')} incidents lie in areas too small to show.`
    : `${h.shown.toLocaleString('en-GB')} incidents in ${h.bins.toLocaleString('en-GB')} cells; circles at street zoom.`;
  return { title: 'Incidents (heat: density per cell)', items, ramp: true, note };
}

/** What {@link symbolLegend} lists besides the beat outlines. */
export interface SymbolOptions {
  /** Name of the plan whose outlines are the dashed overlay, when it is shown. */
  overlayOf?: string | null;
  /** Cells highlighted as changing beat, when the comparison is shown. */
  changedCells?: number | null;
  /** Id of the selected beat, if any. */
  selectedBeat?: string | null;
  /** Some beat is locked (its number has a dashed frame). */
  anyLocked?: boolean;
  /** Units of a plan made on units (blocks, block groups), whose edges are drawn; null/absent without. */
  units?: number | null;
}

/** The symbols section: beat outlines always, the rest when they are on the map. */
export function symbolLegend(o: SymbolOptions = {}): Legend {
  const items: LegendItem[] = [{ colour: OUTLINE_COLOUR, symbol: 'line', label: 'beat outline' }];
  if (o.overlayOf) items.push({ colour: OVERLAY_LINE.colour, symbol: 'dashed', label: `outlines of “${o.overlayOf}”` });
  if (o.changedCells !== null && o.changedCells !== undefined)
    items.push({
      colour: CHANGED_FILL.colour,
      opacity: CHANGED_FILL.opacity,
      label: `cell changes beat (${o.changedCells.toLocaleString('en-GB')})`,
    });
  if (o.selectedBeat)
    items.push({ colour: SELECTED_FILL.colour, opacity: 1, symbol: 'fill', label: `selected beat ${o.selectedBeat} (lightened)` });
  if (o.anyLocked) items.push({ colour: '#ffffff', symbol: 'frame-dashed', label: 'locked beat (dashed number)' });
  if (o.units)
    items.push({
      colour: UNIT_EDGE.colour,
      symbol: 'line',
      label: `edge of a unit (${o.units.toLocaleString('en-GB')} units; the brush paints whole units)`,
    });
  return { title: 'Symbols', items };
}

/** Options of {@link mapLegend}: the colouring, the heat layer (when on) and the symbols. */
export interface MapLegendOptions extends FillOptions {
  shiftLabel?: string;
  /** Summary of the incidents on the map; null/absent when the heat layer is off. */
  heat?: HeatSummary | null;
  symbols?: SymbolOptions;
}

/**
 * Every section of the legend for what the map shows, top to bottom: colouring, heat (when
 * on), symbols.
 * @example mapLegend({ mode: 'beat', colourOfBeat: [0, 1] }).map((l) => l.title)
 */
export function mapLegend(o: MapLegendOptions): Legend[] {
  return [legendFor(o), ...(o.heat ? [heatLegend(o.heat)] : []), symbolLegend(o.symbols)];
}
