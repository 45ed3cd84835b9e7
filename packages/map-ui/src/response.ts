/**
 * Response figures on the beat card: the API's hypercube figures of a plan version
 * (`GET /plans/:id/response`: travel time, utilisation, cross-beat dispatch… per beat, per
 * shift and city-wide) and what-if runs (`POST /plans/:id/whatif` → a job →
 * `GET /plans/:id/whatif/:jobId`: the same figures before and after officers go out or the
 * workload of an area changes, staffed from a roster) and the "officers on duty" what-if
 * (`POST /plans/:id/response/whatif`, synchronous, no roster: officers per shift of a beat and
 * the saturation target of the time model). Types of the answers the map reads, and pure
 * builders of the rows the card shows (one row builder for both what-ifs) and of the requests.
 */
import type {
  PlanResponseDto,
  ResponseFiguresDto,
  ResponseWhatIfDto,
  ResponseWhatIfRequestDto,
  WhatIfRequestDto,
  WhatIfResultDto,
} from '@beatplan/api';
import type { MultiPolygon } from './geojson.js';
import { formatNumber } from './map-style.js';

/** Response figures of a beat, a shift or the city (the API's `ResponseFigures` entries); null = no calls. */
export type ResponseFigures = ResponseFiguresDto['city'];

/** The named figures of {@link ResponseFigures} (`units`, `rho`, `meanTravelMinutes`…; its index signature left out). */
export type FigureKey = keyof {
  [K in keyof ResponseFigures as string extends K ? never : number extends K ? never : K]: ResponseFigures[K];
};

/** What the response figures assume (the API's `ResponseFigures.assumptions`), shown one click away on the card. */
export type ResponseAssumptions = ResponseFiguresDto['assumptions'];

/**
 * The assumptions as short lines for people ("Travel: …", "Speed: 30 km/h", …); shift values
 * that are all equal are shown once.
 * @example assumptionLines(r.assumptions)[0] // 'Response time: queue wait + travel time; no dispatch or turn-out delay'
 */
export function assumptionLines(a: ResponseAssumptions): string[] {
  const one = (xs: ReadonlyArray<number | null>, unit: string) => {
    const shown = xs.filter((x): x is number => x !== null);
    if (shown.length === 0) return null;
    const distinct = [...new Set(shown.map((x) => formatNumber(x)))];
    return `${distinct.join(' / ')}${unit}`;
  };
  const speed = one(a.speedKmh, ' km/h');
  const detour = one(a.detourFactor, '× straight line');
  return [
    `Response time: ${a.responseTime}`,
    `Travel: ${a.travel}`,
    ...(speed ? [`Speed: ${speed}`] : []),
    ...(detour ? [`Detour: ${detour}`] : []),
    `Service time per call: ${one(a.serviceMinutes, ' min')} (${a.serviceMinutesSource})`,
    `Units on duty: ${a.unitsSource}`,
    `Dispatch: ${a.dispatch}`,
  ];
}

/**
 * The answers the map reads, as the API types them (`@beatplan/api`, types only): `GET
 * /plans/:id/response` ({@link PlanResponseDto}), `POST /plans/:id/response/whatif`
 * ({@link ResponseWhatIfDto}: `before` as `GET /response` without staffing, `after` the what-if),
 * `GET /plans/:id/whatif/:jobId` ({@link WhatIfResultDto}) and the what-if requests.
 */
export type { PlanResponseDto, ResponseWhatIfDto, ResponseWhatIfRequestDto, WhatIfResultDto };

/** Response figures of a plan version without its ids: `GET /plans/:id/response` less planId/version/staffing. */
export type ResponseRun = ResponseFiguresDto;

/** A response run inside a what-if: the figures, or why the model could not run. */
export type ResponseOrError = WhatIfResultDto['response']['before'];

/** A response run that failed: why the model could not run. */
export type FailedResponseRun = Exclude<ResponseOrError, ResponseRun>;

/** True when a what-if's response run failed (it carries `error` instead of figures). */
function failed(r: ResponseOrError): r is FailedResponseRun {
  return 'error' in r;
}

/** The figures of a response run, or null when it failed (see {@link responseError}). */
export function figuresOf(r: ResponseOrError | null | undefined): ResponseRun | null {
  return r && !failed(r) ? r : null;
}

/** Why a response run failed, or null. */
export function responseError(r: ResponseOrError | null | undefined): string | null {
  return r && failed(r) ? `${r.error.code}: ${r.error.message}` : null;
}

/** A figure of {@link RESPONSE_FIELDS}: what it is called on the card and how it reads. */
export interface ResponseField {
  key: FigureKey;
  label: string;
  /** Unit of the shown value: `min`, `%` (shares and utilisation, ×100), or a plain number. */
  unit: 'min' | '%' | '';
  /** What a person wants: lower (travel, wait, busy) or neither (units, calls). */
  better: 'lower' | 'none';
}

/** The figures the beat card shows, in order. */
export const RESPONSE_FIELDS: readonly ResponseField[] = [
  { key: 'meanTravelMinutes', label: 'Mean travel time', unit: 'min', better: 'lower' },
  { key: 'meanResponseMinutes', label: 'Mean response time (wait + travel)', unit: 'min', better: 'lower' },
  { key: 'p90TravelMinutes', label: '90% of calls: travel time within', unit: 'min', better: 'lower' },
  { key: 'meanQueueWaitMinutes', label: 'Mean wait for a free officer', unit: 'min', better: 'lower' },
  { key: 'rho', label: 'Officers busy on calls', unit: '%', better: 'lower' },
  { key: 'crossBeatShare', label: 'Calls answered from another beat', unit: '%', better: 'lower' },
  { key: 'pOwnUnitsBusy', label: 'Calls finding all own officers busy', unit: '%', better: 'lower' },
  { key: 'units', label: 'Officers on duty (mean over the day)', unit: '', better: 'none' },
  { key: 'callsPerHour', label: 'Calls per hour', unit: '', better: 'none' },
];

/** A figure as text: minutes `4.57 min`, shares `3.3%`, plain numbers; null → `–`. */
export function formatFigure(v: number | null | undefined, unit: ResponseField['unit']): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (unit === '%') return `${formatNumber(v * 100)}%`;
  return unit === 'min' ? `${formatNumber(v)} min` : formatNumber(v);
}

/** One row of the response table. */
export interface FigureRow {
  key: FigureKey;
  label: string;
  value: string;
}

/**
 * The rows of a beat's response figures (all shifts together), or null when the answer has
 * no such beat.
 * @example beatResponseRows(await api.get(`/plans/${id}/response`), 'B001')?.[0] // { label: 'Mean travel time', value: '4.57 min', … }
 */
export function beatResponseRows(r: Pick<PlanResponseDto, 'beats'>, beatId: string): FigureRow[] | null {
  const b = r.beats.find((x) => x.id === beatId);
  if (!b) return null;
  return RESPONSE_FIELDS.map((f) => ({ key: f.key, label: f.label, value: formatFigure(b[f.key], f.unit) }));
}

/**
 * Officers on duty per shift that a response answer assumes for a beat, e.g.
 * `{ '0-8': 2, '8-16': 3 }` (from `unitsByShift`), or null when the beat is not in it.
 */
export function beatUnitsByShift(
  r: Pick<PlanResponseDto, 'beats' | 'shifts' | 'unitsByShift'>,
  beatId: string,
): Record<string, number> | null {
  const b = r.beats.findIndex((x) => x.id === beatId);
  if (b < 0) return null;
  return Object.fromEntries(r.shifts.map((s, k) => [s.shift, r.unitsByShift[k]?.[b] ?? NaN]));
}

/** One row of a before/after table. */
export interface ComparisonRow {
  key: string;
  label: string;
  before: string;
  after: string;
  /** `better`/`worse` for figures where lower is better and the value moved by more than rounding, else `same` or `neutral`. */
  change: 'better' | 'worse' | 'same' | 'neutral';
}

/** Change of a figure for a person: lower travel/wait/busy is better; units and calls are neutral. */
function changeOf(f: ResponseField, before: number | null, after: number | null): ComparisonRow['change'] {
  if (before === null || after === null) return 'neutral';
  const d = after - before;
  const eps = f.unit === '%' ? 5e-4 : 5e-3;
  if (Math.abs(d) <= eps) return 'same';
  if (f.better === 'none') return 'neutral';
  return d < 0 ? 'better' : 'worse';
}

/** What a what-if did to one beat: its figures before/after, its officers per shift before/after, and what failed. */
export interface WhatIfBeatView {
  /** Why the scenario could not be staffed (then there is no "after"). */
  infeasible: string | null;
  /** A response run that failed (e.g. `INFEASIBLE`: a shift over 100% utilisation). */
  errors: string[];
  /** This beat's figures, before → after. */
  rows: ComparisonRow[];
  /** City-wide figures, before → after. */
  cityRows: ComparisonRow[];
  /** This beat's officers per shift (allocated), before → after; only shifts that changed. */
  shifts: Array<{ shift: string; before: number; after: number }>;
  /** What the scenario was, in words. */
  scenario: string;
}

/**
 * The now / what-if rows of two sets of figures (a beat's, a shift's or the city's), in the
 * order of {@link RESPONSE_FIELDS}; a missing "after" reads `–`. Serves both what-ifs.
 */
export function comparisonRows(before: ResponseFigures | null, after: ResponseFigures | null): ComparisonRow[] {
  return RESPONSE_FIELDS.map((f) => {
    const b = before ? (before[f.key] ?? null) : null;
    const a = after ? (after[f.key] ?? null) : null;
    return {
      key: f.key,
      label: f.label,
      before: formatFigure(b, f.unit),
      after: after ? formatFigure(a, f.unit) : '–',
      change: changeOf(f, b, a),
    };
  });
}

/**
 * The card's view of a what-if result for one beat.
 * @example whatIfBeatView(result, 'B001').rows[0] // { label: 'Mean travel time', before: '4.57 min', after: '4.61 min', change: 'worse' }
 */
export function whatIfBeatView(w: WhatIfResultDto, beatId: string): WhatIfBeatView {
  const before = figuresOf(w.response.before);
  const after = figuresOf(w.response.after);
  const errors = [responseError(w.response.before), responseError(w.response.after)].filter((e): e is string => e !== null);
  const bb = before?.beats.find((x) => x.id === beatId) ?? null;
  const ba = after?.beats.find((x) => x.id === beatId) ?? null;
  const parts: string[] = [];
  for (const o of w.scenario.officersOut) parts.push(`${o.count} officer${o.count === 1 ? '' : 's'} out in shift ${o.shift}`);
  if (w.scenario.area)
    parts.push(
      `workload × ${formatNumber(w.scenario.area.factor)} in ${w.scenario.area.cells} cells (beat${w.scenario.area.beats.length === 1 ? '' : 's'} ${w.scenario.area.beats.join(', ') || '–'})`,
    );
  return {
    infeasible: w.infeasible,
    errors,
    rows: comparisonRows(bb, w.infeasible ? null : ba),
    cityRows: comparisonRows(before?.city ?? null, w.infeasible ? null : (after?.city ?? null)),
    shifts: (w.diff?.beats ?? [])
      .filter((c) => c.beat === beatId && c.allocatedBefore !== c.allocatedAfter)
      .map((c) => ({ shift: c.shift, before: c.allocatedBefore, after: c.allocatedAfter })),
    scenario: parts.join('; ') || 'no change',
  };
}

/** The what-if controls of the beat card. */
export interface WhatIfForm {
  /** Workload factor inside the beat (1 = unchanged), e.g. 1.5 for a special event. */
  factor: number;
  /** Shift whose officers go out ('' = none). */
  outShift: string;
  /** Officers out in that shift (0 = none). */
  outCount: number;
}

/** Default what-if: the beat's workload × 1.5, nobody out. */
export const DEFAULT_WHATIF: WhatIfForm = { factor: 1.5, outShift: '', outCount: 0 };

/**
 * The body of `POST /plans/:id/whatif` for the card's form, or what is wrong with the form.
 * The beat's area (`beatArea`) gets `factor` × its workload unless the factor is 1; officers
 * go out city-wide in one shift (the API picks them with `seed`).
 * @example whatIfBody({ factor: 1.5, outShift: '', outCount: 0 }, { roster: 'r1', version: 3, area }).body?.factor // 1.5
 */
export function whatIfBody(
  f: WhatIfForm,
  o: { roster: string; version: number; area: MultiPolygon | null },
): { body: WhatIfRequestDto; error?: undefined } | { body?: undefined; error: string } {
  if (!o.roster) return { error: 'Choose a roster first (Staffing panel; upload one with POST /api/v1/datasets/rosters).' };
  if (!Number.isFinite(f.factor) || f.factor < 0 || f.factor > 100) return { error: 'The workload factor must be between 0 and 100.' };
  if (!Number.isInteger(f.outCount) || f.outCount < 0 || f.outCount > 100_000) return { error: 'Officers out must be a whole number ≥ 0.' };
  const area = f.factor !== 1 && o.area ? o.area : null;
  const out = f.outShift && f.outCount > 0 ? [{ shift: f.outShift, count: f.outCount }] : [];
  if (!area && !out.length) return { error: 'Change the workload factor or take officers out: this what-if changes nothing.' };
  return {
    body: {
      roster: o.roster,
      version: o.version,
      ...(out.length ? { officersOut: out } : {}),
      ...(area ? { area, factor: f.factor } : {}),
    },
  };
}

/**
 * The city in one line, from the city rows of a what-if: mean travel and the share of calls
 * answered from another beat, now → what-if, with the direction in words.
 * @example cityLine(view.cityRows) // 'City: mean travel time 4.6 min → 4.58 min (better); calls answered from another beat 1.76% → 1.5% (better).'
 */
export function cityLine(rows: readonly ComparisonRow[]): string {
  const words = { better: ' (better)', worse: ' (worse)', same: ' (same)', neutral: '' } as const;
  const part = (key: FigureKey, name: string) => {
    const r = rows.find((x) => x.key === key);
    return r ? `${name} ${r.before} → ${r.after}${words[r.change]}` : null;
  };
  const parts = [part('meanTravelMinutes', 'mean travel time'), part('crossBeatShare', 'calls answered from another beat')].filter(
    (x): x is string => x !== null,
  );
  return `City: ${parts.join('; ') || 'no figures'}.`;
}

/** The card's "officers on duty" what-if (no roster): a saturation target and officers per shift of the beat. */
export interface UnitsWhatIfForm {
  /** Saturation target of the time model, percent (5..95; 60 = the API's default). */
  saturationPercent: number;
  /** Officers on duty per shift that the person set (shift → number); the other shifts show the baseline. */
  officers: Record<string, number>;
}

/** The time model's default saturation target, percent. */
export const DEFAULT_SATURATION_PERCENT = 60;

/** A fresh form: default saturation, no shift changed. */
export function defaultUnitsWhatIfForm(): UnitsWhatIfForm {
  return { saturationPercent: DEFAULT_SATURATION_PERCENT, officers: {} };
}

/**
 * The officers on duty per shift of a beat in a response run (`unitsByShift`), e.g.
 * `{ '0-8': 2, '16-24': 3 }` — what the steppers start from: the `before` of the last
 * what-if, or the figures of `GET /response`. Null when there is none or no such beat.
 */
export function unitsBaseline(
  r: Pick<PlanResponseDto, 'beats' | 'shifts' | 'unitsByShift'> | null | undefined,
  beatId: string,
): Record<string, number> | null {
  return r ? beatUnitsByShift(r, beatId) : null;
}

/** The value a shift's stepper shows: the person's number, else the baseline, else nothing (NaN). */
export function stepperValue(f: UnitsWhatIfForm, baseline: Record<string, number> | null, shift: string): number {
  return f.officers[shift] ?? baseline?.[shift] ?? NaN;
}

/**
 * The body of `POST /plans/:id/response/whatif` for the steppers: only the shifts whose number
 * differs from the baseline become overrides (the others follow the saturation target), and
 * the saturation target only when it is not the default. Or what is wrong with the form.
 * @example unitsWhatIfBody({ saturationPercent: 60, officers: { '16-24': 3 } }, { beat: 'B013', version: 7, baseline: { '16-24': 2 } }).body
 *   // { version: 7, units: [{ beat: 'B013', shift: '16-24', officers: 3 }] }
 */
export function unitsWhatIfBody(
  f: UnitsWhatIfForm,
  o: { beat: string; version: number; baseline: Record<string, number> | null },
): { body: ResponseWhatIfRequestDto; error?: undefined } | { body?: undefined; error: string } {
  const pct = f.saturationPercent;
  if (!Number.isFinite(pct) || pct < 5 || pct > 95) return { error: 'The saturation target must be between 5% and 95%.' };
  const units: NonNullable<ResponseWhatIfRequestDto['units']> = [];
  for (const [shift, n] of Object.entries(f.officers)) {
    if (!Number.isInteger(n) || n < 0 || n > 1000)
      return { error: `Officers on duty in shift ${shift} must be a whole number from 0 to 1000.` };
    if (o.baseline?.[shift] !== n) units.push({ beat: o.beat, shift, officers: n });
  }
  const saturation = pct !== DEFAULT_SATURATION_PERCENT;
  if (!saturation && !units.length)
    return { error: 'Change the officers on duty of a shift or the saturation target: this what-if changes nothing.' };
  return {
    body: {
      version: o.version,
      ...(saturation ? { saturationTarget: Math.round(pct * 100) / 10_000 } : {}),
      ...(units.length ? { units } : {}),
    },
  };
}

/** What the request asked, in words, e.g. `saturation target 50%; shift 16-24: 3 officers`. */
function unitsScenario(req: ResponseWhatIfRequestDto): string {
  const parts: string[] = [];
  if (req.saturationTarget !== undefined) parts.push(`saturation target ${formatNumber(req.saturationTarget * 100)}%`);
  for (const u of req.units ?? [])
    parts.push(`shift ${u.shift}: ${u.officers} officer${u.officers === 1 ? '' : 's'} on duty in beat ${u.beat}`);
  return parts.join('; ') || 'no change';
}

/**
 * The card's view of an "officers on duty" what-if for one beat — the same view as the roster
 * what-if ({@link whatIfBeatView}), so one renderer and one table serve both: the beat's and
 * the city's figures now → what-if, and the beat's officers per shift that changed.
 * @example responseWhatIfView(answer, 'B013', body).rows.find((r) => r.key === 'units') // { before: '2.33', after: '2.67', … }
 */
export function responseWhatIfView(w: ResponseWhatIfDto, beatId: string, req: ResponseWhatIfRequestDto): WhatIfBeatView {
  const bb = w.before.beats.find((x) => x.id === beatId) ?? null;
  const ba = w.after.beats.find((x) => x.id === beatId) ?? null;
  const before = beatUnitsByShift(w.before, beatId) ?? {};
  const after = beatUnitsByShift(w.after, beatId) ?? {};
  return {
    infeasible: null,
    errors: [],
    rows: comparisonRows(bb, ba),
    cityRows: comparisonRows(w.before.city, w.after.city),
    shifts: Object.keys(after)
      .filter((s) => before[s] !== after[s])
      .map((s) => ({ shift: s, before: before[s] ?? NaN, after: after[s]! })),
    scenario: unitsScenario(req),
  };
}
