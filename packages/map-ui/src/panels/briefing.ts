/**
 * The briefing sheet (Export panel, "Briefing sheet (PNG)"): the map as it is drawn, with the
 * beat numbers shown on it (locked beats framed), the legend, a scale bar, a north arrow, the
 * title, the date and the plan's lineage (see `drawBriefing`), downloaded as a PNG.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { PlanDto } from '../api-client.js';
import type { BeatAggregate, CellModel } from '../cell-model.js';
import { drawBriefing, lineageLine } from '../exports.js';
import { LABEL_LAYER } from '../layers/beat-labels.js';
import { formatNumber, type Legend } from '../map-style.js';
import type { PlanMetricsDto } from '../metrics.js';
import { frames } from './editing.js';
import { saveBlob } from './export.js';

/** What the sheet is drawn from. */
export interface BriefingSource {
  map: MapLibreMap;
  plan: PlanDto;
  model: CellModel;
  metrics: PlanMetricsDto;
  agg: ReadonlyMap<number, BeatAggregate>;
  /** Beats whose numbers are shown on the map now (collision-thinned). */
  shownLabels: ReadonlySet<number>;
  /** The map's legend (colouring, symbols, ground reference), given whether any beat is locked. */
  legend(anyLocked: boolean): Legend[];
  /** The title typed in the panel ('' = the plan's name). */
  title: string;
  /** Name of the plan compared with, if any. */
  comparedWith?: string | undefined;
}

/**
 * Metres per CSS pixel at the centre of the map, measured over 100 px eastwards (for the
 * scale bar).
 */
export function metresPerPixel(map: MapLibreMap): number {
  const c = map.getContainer();
  const centre = map.unproject([c.clientWidth / 2, c.clientHeight / 2]);
  const east = map.unproject([c.clientWidth / 2 + 100, c.clientHeight / 2]);
  return (Math.abs(east.lng - centre.lng) * 111_320 * Math.cos((centre.lat * Math.PI) / 180)) / 100;
}

/**
 * Draws the briefing sheet of the map as it is now (call after a repaint: the map's canvas
 * keeps its drawing buffer) and encodes it as PNG.
 * @throws Error when the canvas cannot be encoded
 */
export async function briefingPng(s: BriefingSource): Promise<{ blob: Blob; fileName: string }> {
  const { map, model, metrics: m } = s;
  const lockedIds = new Set(m.perBeat.filter((b) => b.locked).map((b) => b.id));
  // the numbers shown on the map (collision-thinned), where they are on the map
  const labels = [...s.agg.entries()]
    .filter(([b]) => s.shownLabels.has(b))
    .map(([b, a]) => {
      const p = map.project([model.centroid[2 * a.labelCell]!, model.centroid[2 * a.labelCell + 1]!]);
      return { text: model.beatIds[b]!, x: p.x, y: p.y, locked: lockedIds.has(model.beatIds[b]!) };
    });
  const canvas = drawBriefing({
    map: map.getCanvas(),
    title: s.title || s.plan.name,
    date: new Date().toISOString().slice(0, 10),
    labels,
    legend: s.legend(lockedIds.size > 0),
    metresPerPixel: metresPerPixel(map),
    notes: [
      lineageLine(s.plan, s.comparedWith),
      `${m.beats} beats; busiest beat ${formatNumber(m.workload.maxOverMean)} × the average workload; ${m.contiguity.nonContiguousBeats} beats in more than one piece`,
    ],
  });
  const blob = await new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('canvas is empty'))), 'image/png'));
  return { blob, fileName: `briefing-${s.plan.id.slice(0, 8)}-v${s.plan.version}.png` };
}

/**
 * Draws the briefing sheet from the map as it is on screen (after a repaint and two frames)
 * and downloads it (see {@link briefingPng}). The map's own beat numbers are hidden for that
 * repaint: the sheet draws the shown ones itself, at print size.
 */
export async function saveBriefing(s: BriefingSource): Promise<void> {
  // their opacity, not their visibility: a paint property changes without re-laying out the tiles
  const opacity = s.map.getLayer(LABEL_LAYER) ? s.map.getPaintProperty(LABEL_LAYER, 'icon-opacity') : undefined;
  if (opacity !== undefined) s.map.setPaintProperty(LABEL_LAYER, 'icon-opacity', 0);
  try {
    s.map.triggerRepaint();
    await frames();
    const { blob, fileName } = await briefingPng(s);
    saveBlob(blob, fileName);
  } finally {
    if (opacity !== undefined) s.map.setPaintProperty(LABEL_LAYER, 'icon-opacity', opacity);
  }
}

/** The "Briefing sheet (PNG)" button: `mount` wires it to {@link saveBriefing}. */
export class BriefingButton {
  private titleInput: HTMLInputElement | null = null;

  /** @param source the map, plan and legend as they are now (null: no plan on show yet, nothing drawn) */
  constructor(private readonly source: () => Omit<BriefingSource, 'title'> | null) {}

  /** A click on `button` saves the sheet, titled with `title`'s text. */
  mount(button: HTMLElement, title: HTMLInputElement): this {
    this.titleInput = title;
    button.addEventListener('click', () => void this.save());
    return this;
  }

  /** Draws and downloads the sheet of the plan on show (nothing before one is shown). */
  async save(): Promise<void> {
    const s = this.source();
    if (s) await saveBriefing({ ...s, title: this.titleInput?.value ?? '' });
  }
}
