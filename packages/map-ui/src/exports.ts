/**
 * Exports built in the browser: the PNG briefing sheet for roll call (map canvas + beat
 * numbers + legend + title + date), and the staffing figures the beat card reads. Beats
 * GeoJSON, cells CSV and the assignments CSV come from the API as they are.
 */
import type { StaffingResultDto } from '@beatplan/api';
import type { Legend, LegendItem } from './map-style.js';

/**
 * A staffing result (`staffing.json`): the API's type (`@beatplan/api`, types only); the map
 * reads its `beats` (per beat × shift: allocated, required, community hours, officers),
 * `continuity` and `unfilled`.
 */
export type { StaffingResultDto } from '@beatplan/api';

/** Officers allocated per shift for one beat, e.g. `{ '0-8': 2, '8-16': 3 }`. */
export function officersPerShift(s: Pick<StaffingResultDto, 'beats'> | null, beatId: string): Record<string, number> | null {
  const b = s?.beats.find((x) => x.id === beatId);
  return b ? Object.fromEntries(b.shifts.map((x) => [x.shift, x.allocated])) : null;
}

/** Community-time need per shift for one beat, h/week, e.g. `{ '0-8': 1.5 }` (null without staffing or values). */
export function communityHoursPerShift(s: Pick<StaffingResultDto, 'beats'> | null, beatId: string): Record<string, number> | null {
  const b = s?.beats.find((x) => x.id === beatId);
  if (!b?.shifts.some((x) => typeof x.communityHours === 'number')) return null;
  return Object.fromEntries(b.shifts.filter((x) => typeof x.communityHours === 'number').map((x) => [x.shift, x.communityHours as number]));
}

/** Inputs of {@link drawBriefing}. */
export interface BriefingInput {
  /** The map canvas (created with `preserveDrawingBuffer: true`). */
  map: HTMLCanvasElement;
  title: string;
  /** e.g. `'2025-06-01'`; printed after the title. */
  date: string;
  /** Beat numbers at their canvas positions (CSS pixels of the map canvas); `locked` beats get a dashed frame, as on the map. */
  labels: Array<{ text: string; x: number; y: number; locked?: boolean }>;
  /** The legend's sections (see `mapLegend`). */
  legend: Legend | readonly Legend[];
  /** Extra lines under the title (plan version and lineage, balance figures); at most two are drawn. */
  notes?: string[];
  /** Ground metres per CSS pixel at the map's centre (for the scale bar). */
  metresPerPixel: number;
}

/** Where {@link drawBriefing} puts things, in canvas pixels (`[x, y, width, height]`). */
export interface BriefingLayout {
  width: number;
  height: number;
  map: [number, number, number, number];
  legend: [number, number, number, number];
  /** The scale bar and its text, bottom left inside the map. */
  scaleBar: [number, number, number, number];
  /** The north arrow, top right inside the map. */
  northArrow: [number, number, number, number];
}

/**
 * The sheet's layout for a map canvas of `mapW × mapH` device pixels at `ratio` device pixels
 * per CSS pixel: a title bar, the map, the legend column on the right.
 */
export function briefingLayout(mapW: number, mapH: number, ratio: number): BriefingLayout {
  const pad = Math.round(16 * ratio);
  const titleH = Math.round(64 * ratio);
  const legendW = Math.round(260 * ratio);
  const top = titleH + pad;
  return {
    width: mapW + legendW + 3 * pad,
    height: mapH + titleH + 2 * pad,
    map: [pad, top, mapW, mapH],
    legend: [2 * pad + mapW, top, legendW, mapH],
    scaleBar: [pad + Math.round(12 * ratio), top + mapH - Math.round(40 * ratio), Math.round(150 * ratio), Math.round(30 * ratio)],
    northArrow: [pad + mapW - Math.round(44 * ratio), top + Math.round(12 * ratio), Math.round(32 * ratio), Math.round(44 * ratio)],
  };
}

/**
 * The scale bar's length: the largest 1, 2 or 5 × 10ⁿ metres that fits in `maxPx` CSS pixels.
 * @returns metres, CSS pixels and the text (`"500 m"`, `"2 km"`)
 * @example scaleBarLength(10, 120) // { metres: 1000, px: 100, text: '1 km' }
 */
export function scaleBarLength(metresPerPixel: number, maxPx: number): { metres: number; px: number; text: string } {
  const most = metresPerPixel * maxPx;
  const p = 10 ** Math.floor(Math.log10(most));
  const metres = [5, 2, 1].map((k) => k * p).find((m) => m <= most) ?? p;
  return { metres, px: metres / metresPerPixel, text: metres >= 1000 ? `${metres / 1000} km` : `${metres} m` };
}

/**
 * Draws the briefing sheet on a new canvas: a title bar with the date and the plan's lineage,
 * the map with beat numbers drawn on it (system sans-serif; no web font needed; locked beats'
 * numbers in a dashed frame, as the legend says), a scale bar and a north arrow, and the
 * legend ({@link briefingLayout}). Returns the canvas; call `toBlob` for the PNG.
 */
export function drawBriefing(input: BriefingInput): HTMLCanvasElement {
  const ratio = input.map.width / Math.max(1, input.map.clientWidth || input.map.width);
  const mapW = input.map.width;
  const mapH = input.map.height;
  const L = briefingLayout(mapW, mapH, ratio);
  const [pad, top] = L.map;
  const c = document.createElement('canvas');
  c.width = L.width;
  c.height = L.height;
  const g = c.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, c.width, c.height);
  g.fillStyle = '#111111';
  g.font = `bold ${Math.round(22 * ratio)}px sans-serif`;
  g.textBaseline = 'top';
  g.fillText(`${input.title} — ${input.date}`, pad, pad);
  g.font = `${Math.round(13 * ratio)}px sans-serif`;
  (input.notes ?? []).slice(0, 2).forEach((n, k) => g.fillText(n, pad, pad + Math.round((30 + 16 * k) * ratio)));
  g.drawImage(input.map, pad, top);
  g.strokeStyle = '#111111';
  g.lineWidth = ratio;
  g.strokeRect(pad, top, mapW, mapH);
  // beat numbers
  g.font = `bold ${Math.round(12 * ratio)}px sans-serif`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  for (const l of input.labels) {
    const x = pad + l.x * ratio;
    const y = top + l.y * ratio;
    if (x < pad || y < top || x > pad + mapW || y > top + mapH) continue;
    const w = g.measureText(l.text).width + 6 * ratio;
    g.fillStyle = 'rgba(255,255,255,0.85)';
    g.fillRect(x - w / 2, y - 8 * ratio, w, 16 * ratio);
    if (l.locked) {
      g.save();
      g.strokeStyle = '#000000';
      g.lineWidth = 2 * ratio;
      g.setLineDash([3 * ratio, 2 * ratio]);
      g.strokeRect(x - w / 2, y - 8 * ratio, w, 16 * ratio);
      g.restore();
    }
    g.fillStyle = '#111111';
    g.fillText(l.text, x, y);
  }
  drawScaleBar(g, L.scaleBar, input.metresPerPixel, ratio);
  drawNorthArrow(g, L.northArrow, ratio);
  // legend: its sections one under the other
  g.textAlign = 'left';
  g.textBaseline = 'middle';
  const lx = L.legend[0];
  const legendW = L.legend[2];
  let y = top + 8 * ratio;
  for (const section of Array.isArray(input.legend) ? (input.legend as readonly Legend[]) : [input.legend as Legend]) {
    g.font = `bold ${Math.round(13 * ratio)}px sans-serif`;
    y += wrapText(g, section.title, lx, y, legendW, 16 * ratio).length * 16 * ratio;
    g.font = `${Math.round(12 * ratio)}px sans-serif`;
    for (const it of section.items) {
      drawSymbol(g, it, lx, y + 6 * ratio, ratio);
      g.fillStyle = '#111111';
      g.fillText(it.label, lx + 26 * ratio, y + 6 * ratio);
      y += 20 * ratio;
    }
    if (section.note) {
      g.font = `${Math.round(11 * ratio)}px sans-serif`;
      y += wrapText(g, section.note, lx, y + 4 * ratio, legendW, 14 * ratio).length * 14 * ratio;
    }
    y += 10 * ratio;
  }
  return c;
}

/** A black-and-white scale bar with its length written above, on a white box. */
function drawScaleBar(
  g: CanvasRenderingContext2D,
  [x, y, w, h]: [number, number, number, number],
  metresPerPixel: number,
  ratio: number,
): void {
  const bar = scaleBarLength(metresPerPixel, (w - 16 * ratio) / ratio);
  const px = bar.px * ratio;
  g.save();
  g.fillStyle = 'rgba(255,255,255,0.9)';
  g.fillRect(x, y, px + 16 * ratio, h);
  g.fillStyle = '#000000';
  g.fillRect(x + 8 * ratio, y + h - 10 * ratio, px, 4 * ratio);
  g.fillRect(x + 8 * ratio, y + h - 14 * ratio, 2 * ratio, 12 * ratio);
  g.fillRect(x + 8 * ratio + px - 2 * ratio, y + h - 14 * ratio, 2 * ratio, 12 * ratio);
  g.font = `bold ${Math.round(11 * ratio)}px sans-serif`;
  g.textAlign = 'left';
  g.textBaseline = 'top';
  g.fillText(bar.text, x + 8 * ratio, y + 3 * ratio);
  g.restore();
}

/** A north arrow (the map is never rotated): a black triangle over an "N", on a white box. */
function drawNorthArrow(g: CanvasRenderingContext2D, [x, y, w, h]: [number, number, number, number], ratio: number): void {
  g.save();
  g.fillStyle = 'rgba(255,255,255,0.9)';
  g.fillRect(x, y, w, h);
  g.fillStyle = '#000000';
  g.beginPath();
  g.moveTo(x + w / 2, y + 4 * ratio);
  g.lineTo(x + w - 8 * ratio, y + h * 0.55);
  g.lineTo(x + 8 * ratio, y + h * 0.55);
  g.closePath();
  g.fill();
  g.font = `bold ${Math.round(13 * ratio)}px sans-serif`;
  g.textAlign = 'center';
  g.textBaseline = 'bottom';
  g.fillText('N', x + w / 2, y + h - 2 * ratio);
  g.restore();
}

/**
 * The briefing's lineage line: which plan and version, how and when version 1 was made, the
 * edits since, and the plan compared with (when one is).
 * @example lineageLine({ name: 'Proposal', version: 3, createdAt: '2026-01-02T10:00:00Z', inputs: { method: 'plan' } }) // 'Plan “Proposal”, version 3: planned on 2026-01-02, 2 edits since'
 */
export function lineageLine(
  plan: { name: string; version: number; createdAt: string; inputs: Record<string, unknown> },
  comparedWith?: string,
): string {
  const how = plan.inputs.method === 'import' ? 'imported from the current beats' : 'planned';
  const edits = plan.version - 1;
  return `Plan “${plan.name}”, version ${plan.version}: ${how} on ${plan.createdAt.slice(0, 10)}${edits > 0 ? `, ${edits} edit${edits === 1 ? '' : 's'} since` : ''}${comparedWith ? `; compared with “${comparedWith}”` : ''}`;
}

/** A legend item's symbol on the briefing canvas, centred vertically on `y`. */
function drawSymbol(g: CanvasRenderingContext2D, it: LegendItem, x: number, y: number, ratio: number): void {
  const w = 18 * ratio;
  const h = 14 * ratio;
  g.save();
  g.strokeStyle = it.colour;
  g.lineWidth = 3 * ratio;
  if (it.symbol === 'line' || it.symbol === 'dashed') {
    g.setLineDash(it.symbol === 'dashed' ? [5 * ratio, 3 * ratio] : []);
    g.beginPath();
    g.moveTo(x, y);
    g.lineTo(x + w, y);
    g.stroke();
  } else if (it.symbol === 'dot') {
    g.fillStyle = it.colour;
    g.beginPath();
    g.arc(x + w / 2, y, 5 * ratio, 0, 2 * Math.PI);
    g.fill();
  } else {
    g.globalAlpha = it.opacity ?? 1;
    g.fillStyle = it.colour;
    g.fillRect(x, y - h / 2, w, h);
    g.globalAlpha = 1;
    g.lineWidth = ratio;
    g.strokeStyle = '#333333';
    g.setLineDash(it.symbol === 'frame-dashed' ? [3 * ratio, 2 * ratio] : []);
    g.strokeRect(x, y - h / 2, w, h);
  }
  g.restore();
}

function wrapLines(g: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (g.measureText(next).width > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function wrapText(g: CanvasRenderingContext2D, text: string, x: number, y: number, width: number, lineH: number): string[] {
  const lines = wrapLines(g, text, width);
  g.fillStyle = '#111111';
  lines.forEach((l, k) => g.fillText(l, x, y + k * lineH));
  return lines;
}
