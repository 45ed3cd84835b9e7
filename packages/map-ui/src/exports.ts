/**
 * Exports built in the browser: the assignments CSV (from a staffing result) and the PNG
 * briefing sheet for roll call (map canvas + beat numbers + legend + title + date). Beats
 * GeoJSON and cells CSV come from the API's export route as they are.
 */
import type { Legend, LegendItem } from './map-style.js';

/** One beat × shift of a staffing result (`staffing.json`, engine `staffingToJson`). */
export interface StaffingShiftDto {
  shift: string;
  workloadHours: number | null;
  required: number;
  allocated: number;
  saturation: number | null;
  communityHours?: number | null;
  vehicle?: string | null;
  officers: string[];
}

/** A staffing result, the fields the map uses. */
export interface StaffingDto {
  beats: Array<{ id: string; district?: string | null; shifts: StaffingShiftDto[] }>;
  continuity?: { percent?: number | null };
  unfilled?: unknown[];
}

function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Assignments as CSV, one row per officer (a beat × shift with nobody assigned gets one row
 * with an empty officer): `beat,district,shift,officer,required,allocated,vehicle`.
 * Rows follow the beats' order, then the shifts'.
 * @example staffingToAssignmentsCsv({ beats: [{ id: '0111', shifts: [{ shift: '0-8', required: 1, allocated: 1, officers: ['P1'] }] }] })
 */
export function staffingToAssignmentsCsv(s: StaffingDto): string {
  const lines = ['beat,district,shift,officer,required,allocated,vehicle'];
  for (const b of s.beats) {
    for (const sh of b.shifts) {
      const officers = sh.officers.length ? sh.officers : [''];
      for (const o of officers) lines.push([b.id, b.district ?? '', sh.shift, o, sh.required, sh.allocated, sh.vehicle ?? ''].map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Officers allocated per shift for one beat, e.g. `{ '0-8': 2, '8-16': 3 }`. */
export function officersPerShift(s: StaffingDto | null, beatId: string): Record<string, number> | null {
  const b = s?.beats.find((x) => x.id === beatId);
  return b ? Object.fromEntries(b.shifts.map((x) => [x.shift, x.allocated])) : null;
}

/** Community-time need per shift for one beat, h/week, e.g. `{ '0-8': 1.5 }` (null without staffing or values). */
export function communityHoursPerShift(s: StaffingDto | null, beatId: string): Record<string, number> | null {
  const b = s?.beats.find((x) => x.id === beatId);
  if (!b || !b.shifts.some((x) => typeof x.communityHours === 'number')) return null;
  return Object.fromEntries(b.shifts.filter((x) => typeof x.communityHours === 'number').map((x) => [x.shift, x.communityHours as number]));
}

/** Inputs of {@link drawBriefing}. */
export interface BriefingInput {
  /** The map canvas (created with `preserveDrawingBuffer: true`). */
  map: HTMLCanvasElement;
  title: string;
  /** e.g. `'2025-06-01'`; printed after the title. */
  date: string;
  /** Beat numbers at their canvas positions (CSS pixels of the map canvas). */
  labels: Array<{ text: string; x: number; y: number }>;
  /** The legend's sections (see `mapLegend`). */
  legend: Legend | readonly Legend[];
  /** Extra lines under the title (plan version, balance figures). */
  notes?: string[];
}

/**
 * Draws the briefing sheet on a new canvas: a title bar, the map with beat numbers drawn on
 * it (system sans-serif; no web font needed), and the legend. Returns the canvas; call
 * `toBlob` for the PNG.
 */
export function drawBriefing(input: BriefingInput): HTMLCanvasElement {
  const ratio = input.map.width / Math.max(1, input.map.clientWidth || input.map.width);
  const mapW = input.map.width;
  const mapH = input.map.height;
  const pad = Math.round(16 * ratio);
  const titleH = Math.round(64 * ratio);
  const legendW = Math.round(260 * ratio);
  const c = document.createElement('canvas');
  c.width = mapW + legendW + 3 * pad;
  c.height = mapH + titleH + 2 * pad;
  const g = c.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, c.width, c.height);
  g.fillStyle = '#111111';
  g.font = `bold ${Math.round(22 * ratio)}px sans-serif`;
  g.textBaseline = 'top';
  g.fillText(`${input.title} — ${input.date}`, pad, pad);
  g.font = `${Math.round(13 * ratio)}px sans-serif`;
  (input.notes ?? []).slice(0, 2).forEach((n, k) => g.fillText(n, pad, pad + Math.round((30 + 16 * k) * ratio)));
  const top = titleH + pad;
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
    g.fillStyle = '#111111';
    g.fillText(l.text, x, y);
  }
  // legend: its sections one under the other
  g.textAlign = 'left';
  g.textBaseline = 'middle';
  const lx = pad * 2 + mapW;
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
