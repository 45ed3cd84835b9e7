/**
 * Synthetic incidents for one year, written in the Chicago Data Portal crime-export layout
 * so the engine reads them with its default column mapping. Pure: returns text chunks; the
 * caller streams them to disk.
 */
import type { Rng } from '../../packages/engine/src/random.js';
import { vertexId } from './block-grid.js';
import type { City, Hotspot } from './city.js';
import type { CrimeType, TimeProfile } from './crime-types.js';
import { CRIME_TYPES, HOUR_WEIGHTS, WEEKDAY_WEIGHTS, weekendNightFactor } from './crime-types.js';
import type { Point } from './geometry.js';
import { distanceToRing, kmToLngLat, pointInRing } from './geometry.js';
import { cumulative, pick } from './sampling.js';

/** The Chicago Data Portal export header, exactly. */
export const CHICAGO_HEADER =
  'ID,Case Number,Date,Block,IUCR,Primary Type,Description,Location Description,Arrest,Domestic,Beat,District,Ward,Community Area,FBI Code,X Coordinate,Y Coordinate,Year,Updated On,Latitude,Longitude,Location';

/** The year the incidents cover. */
export const INCIDENT_YEAR = 2025;
/** Share of rows written without coordinates (as in the real export). */
export const MISSING_COORDINATE_RATE = 0.015;
/** Minimum distance (km) of an incident from its block's edges, so rounding never moves it across. */
const EDGE_MARGIN_KM = 0.002;

const DAYS = 365;
const YEAR_START_MS = Date.UTC(INCIDENT_YEAR, 0, 1);

/** Incidents in columnar form, sorted by time. */
export interface IncidentPlan {
  readonly count: number;
  /** Index into {@link CRIME_TYPES}. */
  readonly type: Uint8Array;
  readonly variant: Uint8Array;
  /** Minutes since 1 January 00:00 local time. */
  readonly minute: Int32Array;
  /** Location in km (local plane). */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Block of the location. */
  readonly block: Int32Array;
}

/** Summary numbers for the manifest and the tests. */
export interface IncidentStats {
  rows: number;
  rowsWithoutCoordinates: number;
  byPrimaryType: Record<string, number>;
}

/**
 * Draws `count` incidents: type by share, time from the type's hourly/weekly profile and a
 * summer peak, place from the type's hotspots (Gaussian around each centre) or the background
 * (blocks weighted by population × hardship^k, uniform inside the block).
 */
export function planIncidents(city: City, rng: Rng, count: number): IncidentPlan {
  const typePick = cumulative(CRIME_TYPES.map((t) => t.share));
  const variantPick = CRIME_TYPES.map((t) => cumulative(t.variants.map((v) => v.weight)));
  const timePick = new Map<TimeProfile, Float64Array>();
  for (const p of ['day', 'night', 'vehicle', 'business'] as const) timePick.set(p, hourOfYearWeights(p));
  const landBlocks = [...city.land.keys()].filter((b) => city.land[b] === 0);
  const backgroundPick = CRIME_TYPES.map((t) =>
    cumulative(landBlocks.map((b) => city.population[b]! * (0.5 + city.hardship[b]! / 100) ** t.hardshipExponent)),
  );
  const hotspotOf = new Map(city.hotspots.map((h) => [h.name, h]));

  const type = new Uint8Array(count);
  const variant = new Uint8Array(count);
  const minute = new Int32Array(count);
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  const block = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const t = pick(typePick, rng.next());
    const ct = CRIME_TYPES[t]!;
    type[k] = t;
    variant[k] = pick(variantPick[t]!, rng.next());
    const slot = pick(timePick.get(ct.time)!, rng.next());
    minute[k] = slot * 60 + drawMinute(rng);
    let placed: { p: Point; b: number } | null = null;
    const hotspot = drawHotspot(ct, rng.next());
    if (hotspot) placed = sampleAround(city, hotspotOf.get(hotspot)!, rng);
    if (!placed) placed = sampleInBlock(city, landBlocks[pick(backgroundPick[t]!, rng.next())]!, rng);
    x[k] = placed.p[0];
    y[k] = placed.p[1];
    block[k] = placed.b;
  }
  // Chronological order (stable on draw order).
  const order = Array.from({ length: count }, (_, k) => k).sort((a, b) => minute[a]! - minute[b]! || a - b);
  const permute = <T extends Uint8Array | Int32Array | Float64Array>(arr: T): T => {
    const out = arr.slice() as T;
    order.forEach((src, dst) => (out[dst] = arr[src]!));
    return out;
  };
  return {
    count,
    type: permute(type),
    variant: permute(variant),
    minute: permute(minute),
    x: permute(x),
    y: permute(y),
    block: permute(block),
  };
}

/**
 * The CSV text of a plan, header first, in chunks of `rowsPerChunk` rows. Row details that
 * do not affect where and when (case numbers, block address side, arrest, domestic, missing
 * coordinates, update time) are drawn here from `rng`, in row order.
 * @param stats filled in as the chunks are produced
 */
export function* incidentCsvChunks(city: City, plan: IncidentPlan, rng: Rng, stats: IncidentStats, rowsPerChunk = 4000): Generator<string> {
  // Constant text per type and code, quoted once.
  const variantText = CRIME_TYPES.map((t) =>
    t.variants.map((v) => {
      const list = v.locations ?? t.locations;
      return {
        codes: `${v.iucr},${csvField(t.primaryType)},${csvField(v.description)}`,
        locations: list.map(([d]) => csvField(d)),
        locationCum: cumulative(list.map(([, w]) => w)),
      };
    }),
  );
  const address = addressMaker(city);
  const dayText = Array.from({ length: DAYS + 40 }, (_, d) => {
    const date = new Date(YEAR_START_MS + d * 86_400_000);
    return `${pad(date.getUTCMonth() + 1, 2)}/${pad(date.getUTCDate(), 2)}/${date.getUTCFullYear()}`;
  });
  stats.rows = 0;
  stats.rowsWithoutCoordinates = 0;
  stats.byPrimaryType = {};
  let id = 13_700_000;
  let caseNo = 100_000;
  let lines: string[] = [CHICAGO_HEADER];
  for (let k = 0; k < plan.count; k++) {
    const ct = CRIME_TYPES[plan.type[k]!]!;
    const cv = ct.variants[plan.variant[k]!]!;
    const b = plan.block[k]!;
    id += 1 + rng.int(3);
    caseNo += 1 + rng.int(2);
    const vt = variantText[plan.type[k]!]![plan.variant[k]!]!;
    const locationDescription = vt.locations[pick(vt.locationCum, rng.next())]!;
    const arrest = rng.next() < ct.arrest;
    const domestic = rng.next() < (cv.domestic ?? ct.domestic);
    const missing = rng.next() < MISSING_COORDINATE_RATE;
    const updated = plan.minute[k]! + (1 + rng.int(20)) * 1440 + rng.int(1440);
    const block = address(b, plan.x[k]!, plan.y[k]!, rng.int(4));
    const beatIndex = city.beat[b]!;
    const district = city.beatDistrict[beatIndex]! + 1;
    let coords = ',,,,,';
    if (!missing) {
      const [lng, lat] = kmToLngLat([plan.x[k]!, plan.y[k]!]);
      const xFt = Math.round(1_176_000 + plan.x[k]! * 3280.84);
      const yFt = Math.round(1_900_000 + plan.y[k]! * 3280.84);
      coords = `${xFt},${yFt},${INCIDENT_YEAR},${formatMinute(updated, dayText)},${lat},${lng},"(${lat}, ${lng})"`;
    } else {
      coords = `,,${INCIDENT_YEAR},${formatMinute(updated, dayText)},,,`;
      stats.rowsWithoutCoordinates++;
    }
    lines.push(
      `${id},LP${caseNo},${formatMinute(plan.minute[k]!, dayText)},${csvField(block)},${vt.codes},${locationDescription},` +
        `${arrest},${domestic},${city.beatIds[beatIndex]},${pad(district, 3)},${city.ward[b]! + 1},` +
        `${city.neighbourhood[b]! + 1},${cv.fbiCode},${coords}`,
    );
    stats.rows++;
    stats.byPrimaryType[ct.primaryType] = (stats.byPrimaryType[ct.primaryType] ?? 0) + 1;
    if (lines.length >= rowsPerChunk) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

/** Quotes a CSV field when it holds a comma, quote or newline (RFC 4180). */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `MM/DD/YYYY hh:mm:ss AM` for a minute of the year (may run into the next year). */
function formatMinute(m: number, dayText: string[]): string {
  const day = Math.floor(m / 1440);
  const inDay = m - day * 1440;
  const h = Math.floor(inDay / 60);
  const mi = inDay % 60;
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${dayText[day]} ${pad(h12, 2)}:${pad(mi, 2)}:00 ${h < 12 ? 'AM' : 'PM'}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Chicago-style block addresses, e.g. `047XX S ELM AVE` or `0000X W MADISON ST`: one of the
 * four streets around a block (`side` 0–3: west, east, south, north), numbered 800 to the
 * mile from State Street (x) and Madison Street (y, the local origin).
 */
function addressMaker(city: City): (b: number, x: number, y: number, side: number) => string {
  const { nu, nv } = city.grid;
  const stateCol = city.streets.northSouth.indexOf('STATE ST');
  const stateX = Float64Array.from({ length: nv + 1 }, (_, j) => city.grid.vx[vertexId(city.grid, stateCol, j)]!);
  const hundred = (km: number) => {
    const n = Math.floor(Math.abs(km) / 0.201168);
    return n === 0 ? '0000X' : `${pad(n, 3)}XX`;
  };
  return (b, x, y, side) => {
    const i = b % nu;
    const j = (b - i) / nu;
    if (side < 2) return `${hundred(y)} ${y >= 0 ? 'N' : 'S'} ${city.streets.northSouth[i + side]}`;
    const row = j + side - 2;
    const dx = x - stateX[row]!;
    return `${hundred(dx)} ${dx >= 0 ? 'E' : 'W'} ${city.streets.eastWest[row]}`;
  };
}

function hourOfYearWeights(profile: TimeProfile): Float64Array {
  const firstWeekday = new Date(YEAR_START_MS).getUTCDay();
  const w = new Float64Array(DAYS * 24);
  for (let d = 0; d < DAYS; d++) {
    // Summer peak (late July), winter trough: a smooth triangle, no trigonometry.
    const s = 1 - Math.abs(d - 200) / 182.5;
    const season = 0.84 + 0.32 * s * s * (3 - 2 * s);
    const weekday = (firstWeekday + d) % 7;
    for (let h = 0; h < 24; h++) {
      w[d * 24 + h] = season * WEEKDAY_WEIGHTS[profile][weekday]! * HOUR_WEIGHTS[profile][h]! * weekendNightFactor(profile, weekday, h);
    }
  }
  return cumulative(Array.from(w));
}

/** Minutes within the hour: reports heap at :00 and :30, as in real data. */
function drawMinute(rng: Rng): number {
  const u = rng.next();
  if (u < 0.22) return 0;
  if (u < 0.3) return 30;
  return rng.int(60);
}

function drawHotspot(ct: CrimeType, u: number): Hotspot['name'] | null {
  let acc = 0;
  for (const [name, share] of Object.entries(ct.hotspots) as Array<[Hotspot['name'], number]>) {
    acc += share;
    if (u < acc) return name;
  }
  return null;
}

/** A point from a Gaussian around the hotspot that lands on land, or null after 40 tries. */
function sampleAround(city: City, h: Hotspot, rng: Rng): { p: Point; b: number } | null {
  for (let attempt = 0; attempt < 40; attempt++) {
    const p: Point = [h.centre[0] + gaussian(rng) * h.sigmaKm, h.centre[1] + gaussian(rng) * h.sigmaKm];
    const b = city.locate(p);
    if (b >= 0 && city.land[b] === 0 && distanceToRing(p, city.rings[b]!) >= EDGE_MARGIN_KM) return { p, b };
  }
  return null;
}

/** A uniform point inside block `b`, away from its edges. */
function sampleInBlock(city: City, b: number, rng: Rng): { p: Point; b: number } {
  const g = city.grid;
  const i = b % g.nu;
  const j = (b - i) / g.nu;
  const c = [vertexId(g, i, j), vertexId(g, i + 1, j), vertexId(g, i + 1, j + 1), vertexId(g, i, j + 1)];
  const ring = city.rings[b]!;
  for (let attempt = 0; attempt < 30; attempt++) {
    const s = rng.next();
    const t = rng.next();
    const w = [(1 - s) * (1 - t), s * (1 - t), s * t, (1 - s) * t];
    let x = 0;
    let y = 0;
    for (let k = 0; k < 4; k++) {
      x += g.vx[c[k]!]! * w[k]!;
      y += g.vy[c[k]!]! * w[k]!;
    }
    const p: Point = [x, y];
    if (pointInRing(p, ring) && distanceToRing(p, ring) >= EDGE_MARGIN_KM) return { p, b };
  }
  return { p: city.centres[b]!, b };
}

/** Approximately standard normal (Irwin–Hall of 4 uniforms): no transcendental maths. */
function gaussian(rng: Rng): number {
  return (rng.next() + rng.next() + rng.next() + rng.next() - 2) * Math.sqrt(3);
}
