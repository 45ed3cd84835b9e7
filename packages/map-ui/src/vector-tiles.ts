/**
 * The plan's cells, edges and beat outlines as Mapbox Vector Tiles (MVT 2.1), made on demand
 * from the {@link CellModel} and served to MapLibre through a custom protocol
 * (`bptiles://<key>/<layer>/{z}/{x}/{y}`, see {@link registerTileProvider}).
 *
 * Why not a GeoJSON source: a 40k-hexagon FeatureCollection (plus ~120k edges) has to be
 * structured-cloned to MapLibre's worker (seconds on the main thread), then indexed by
 * geojson-vt (seconds more, mostly garbage collection) before the first tile shows. Tiles cut
 * straight from the model's typed arrays cost a few milliseconds each, only for the tiles in
 * view, and the worker just parses them. Feature ids are cell / edge indexes, so feature state
 * (`b`, `on`, `chg`) addresses them as before, with `sourceLayer`.
 *
 * Pure: no DOM and no map here (the protocol hook takes MapLibre's `addProtocol` as argument).
 */
import { type CellModel, isBeatEdge } from './cell-model.js';
import { type ChainPoints, chainPoints, chainRings, outlineChains, simplifyChains, smoothChains } from './outline-chains.js';

/** Tile extent (MVT coordinates per tile side). */
export const TILE_EXTENT = 4096;
/** Geometry buffer around a tile, in tile units (features overlapping it are included). */
const TILE_BUFFER = 64;
/** The custom protocol's scheme. */
export const TILE_PROTOCOL = 'bptiles';
/** Source layers in the tiles. */
export const TILE_LAYERS = { cells: 'cells', edges: 'edges', beats: 'beats', areas: 'areas' } as const;
export type TileLayer = (typeof TILE_LAYERS)[keyof typeof TILE_LAYERS];

// ------------------------------------------------------------------ protobuf writer

/** A minimal protobuf writer (what MVT needs: varints, length-delimited, fixed64 doubles). */
class PbfWriter {
  buf = new Uint8Array(1 << 16);
  pos = 0;
  private view = new DataView(this.buf.buffer);

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  varint(v: number): void {
    this.ensure(10);
    if (v < 0x80) {
      this.buf[this.pos++] = v;
      return;
    }
    if (v < 0x4000) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      this.buf[this.pos++] = v >>> 7;
      return;
    }
    // up to 2^53: split into 7-bit groups without 32-bit overflow
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  string(field: number, s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.tag(field, 2);
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  double(field: number, x: number): void {
    this.tag(field, 1);
    this.ensure(8);
    this.view.setFloat64(this.pos, x, true);
    this.pos += 8;
  }

  float(field: number, x: number): void {
    this.tag(field, 5);
    this.ensure(4);
    this.view.setFloat32(this.pos, x, true);
    this.pos += 4;
  }

  /** Appends what another writer holds. */
  raw(other: PbfWriter): void {
    this.ensure(other.pos);
    this.buf.set(other.buf.subarray(0, other.pos), this.pos);
    this.pos += other.pos;
  }

  /** Packed repeated uint32 (`values` already zig-zagged where needed). */
  packed(field: number, values: ArrayLike<number>, count = values.length): void {
    if (!count) return;
    this.message(field, () => {
      for (let k = 0; k < count; k++) this.varint(values[k]!);
    });
  }

  /** A length-delimited sub-message written by `body`. */
  message(field: number, body: () => void): void {
    this.tag(field, 2);
    this.ensure(1);
    const lenPos = this.pos++;
    const start = this.pos;
    body();
    const len = this.pos - start;
    const lenBytes = len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : 4;
    if (lenBytes > 1) {
      this.ensure(lenBytes - 1);
      this.buf.copyWithin(start + lenBytes - 1, start, this.pos);
      this.pos += lenBytes - 1;
    }
    let v = len;
    for (let k = 0; k < lenBytes; k++) {
      this.buf[lenPos + k] = k < lenBytes - 1 ? (v & 0x7f) | 0x80 : v & 0x7f;
      v >>>= 7;
    }
  }

  finish(): ArrayBuffer {
    return this.buf.slice(0, this.pos).buffer;
  }
}

const zigzag = (v: number) => (v << 1) ^ (v >> 31);
const command = (id: number, count: number) => (id & 7) | (count << 3);

/**
 * Builds one MVT layer, writing each feature as it is added: ids, tags against the layer's
 * key/value tables (numbers as float32 values, not deduplicated; small integers as shared
 * sint values), geometry commands.
 */
class LayerBuilder {
  private keys: string[] = [];
  private keyIndex = new Map<string, number>();
  private feats = new PbfWriter();
  private vals = new PbfWriter();
  private valueCount = 0;
  private sintIndex = new Map<number, number>();
  private count = 0;
  private tags: number[] = [];

  constructor(readonly name: string) {}

  get size(): number {
    return this.count;
  }

  private key(k: string): number {
    let i = this.keyIndex.get(k);
    if (i === undefined) {
      i = this.keys.push(k) - 1;
      this.keyIndex.set(k, i);
    }
    return i;
  }

  /** Adds a property to the next feature (skipped when not finite). */
  prop(key: string, v: number, kind: 'float' | 'sint'): void {
    if (!Number.isFinite(v)) return;
    let i: number | undefined;
    if (kind === 'sint') {
      i = this.sintIndex.get(v);
      if (i === undefined) {
        i = this.valueCount++;
        this.sintIndex.set(v, i);
        this.vals.message(4, () => {
          this.vals.tag(6, 0);
          this.vals.varint(v >= 0 ? 2 * v : -2 * v - 1);
        });
      }
    } else {
      i = this.valueCount++;
      this.vals.message(4, () => this.vals.float(2, v));
    }
    this.tags.push(this.key(key), i);
  }

  /** Writes a feature with the properties given since the last one. */
  add(id: number | null, type: 1 | 2 | 3, geometry: ArrayLike<number>, geometryLength = geometry.length): void {
    const f = this.feats;
    const tags = this.tags;
    f.message(2, () => {
      if (id !== null) {
        f.tag(1, 0);
        f.varint(id);
      }
      f.packed(2, tags);
      f.tag(3, 0);
      f.varint(type);
      f.packed(4, geometry, geometryLength);
    });
    this.tags = [];
    this.count++;
  }

  write(pbf: PbfWriter): void {
    pbf.message(3, () => {
      pbf.tag(15, 0);
      pbf.varint(2);
      pbf.string(1, this.name);
      pbf.raw(this.feats);
      for (const k of this.keys) pbf.string(3, k);
      pbf.raw(this.vals);
      pbf.tag(5, 0);
      pbf.varint(TILE_EXTENT);
    });
  }
}

// ------------------------------------------------------------------ spatial index

/** Web-mercator x of a longitude, in [0, 1]. */
export const mercX = (lng: number) => (lng + 180) / 360;
/** Web-mercator y of a latitude, in [0, 1] (north up = 0). */
export const mercY = (lat: number) => {
  const s = Math.sin((lat * Math.PI) / 180);
  return 0.5 - (0.25 * Math.log((1 + s) / (1 - s))) / Math.PI;
};

/** Bucketed lookup of items by a mercator point, for cutting tiles. */
interface Buckets {
  x0: number;
  y0: number;
  cell: number;
  nx: number;
  ny: number;
  start: Int32Array;
  items: Int32Array;
  /** Largest distance from an item's point to any of its vertices (mercator units). */
  reach: number;
}

function bucketize(px: Float64Array, py: Float64Array, reach: number): Buckets {
  const n = px.length;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, px[i]!);
    x1 = Math.max(x1, px[i]!);
    y0 = Math.min(y0, py[i]!);
    y1 = Math.max(y1, py[i]!);
  }
  if (!n) [x0, y0, x1, y1] = [0, 0, 1, 1];
  const side = Math.max(x1 - x0, y1 - y0, 1e-12);
  const per = Math.max(1, Math.ceil(Math.sqrt(n / 16)));
  const cell = side / per;
  const nx = Math.max(1, Math.ceil((x1 - x0) / cell) + 1);
  const ny = Math.max(1, Math.ceil((y1 - y0) / cell) + 1);
  const counts = new Int32Array(nx * ny + 1);
  const bucketOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.floor((py[i]! - y0) / cell) * nx + Math.floor((px[i]! - x0) / cell);
    bucketOf[i] = b;
    counts[b + 1]!++;
  }
  for (let b = 0; b < nx * ny; b++) counts[b + 1]! += counts[b]!;
  const fill = counts.slice(0, nx * ny);
  const items = new Int32Array(n);
  for (let i = 0; i < n; i++) items[fill[bucketOf[i]!]!++] = i;
  return { x0, y0, cell, nx, ny, start: counts, items, reach };
}

/** Calls `fn` for every item whose point lies within `reach` of the box `[x0, x1] × [y0, y1]` (mercator). */
function forEachIn(b: Buckets, x0: number, y0: number, x1: number, y1: number, fn: (i: number) => void): void {
  const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi - 1, v));
  const bx0 = clamp(Math.floor((x0 - b.reach - b.x0) / b.cell), b.nx);
  const bx1 = clamp(Math.floor((x1 + b.reach - b.x0) / b.cell), b.nx);
  const by0 = clamp(Math.floor((y0 - b.reach - b.y0) / b.cell), b.ny);
  const by1 = clamp(Math.floor((y1 + b.reach - b.y0) / b.cell), b.ny);
  if (x1 + b.reach < b.x0 || y1 + b.reach < b.y0 || x0 - b.reach > b.x0 + b.cell * b.nx || y0 - b.reach > b.y0 + b.cell * b.ny) return;
  for (let by = by0; by <= by1; by++) {
    for (let bx = bx0; bx <= bx1; bx++) {
      const k = by * b.nx + bx;
      for (let j = b.start[k]!; j < b.start[k + 1]!; j++) fn(b.items[j]!);
    }
  }
}

/** A model's geometry in web-mercator units, bucketed for cutting tiles. Build once per model. */
export interface TileIndex {
  /** Ring vertices in mercator (same layout as `model.ringXY`). */
  ringM: Float64Array;
  /** Edge end points in mercator (same layout as `model.edgeXY`). */
  edgeM: Float64Array;
  cells: Buckets;
  edges: Buckets;
}

/** Projects the model's rings and edges to mercator and buckets them. */
export function buildTileIndex(model: CellModel): TileIndex {
  const ringM = new Float64Array(model.ringXY.length);
  for (let v = 0; v < ringM.length; v += 2) {
    ringM[v] = mercX(model.ringXY[v]!);
    ringM[v + 1] = mercY(model.ringXY[v + 1]!);
  }
  const n = model.cellCount;
  const cx = new Float64Array(n);
  const cy = new Float64Array(n);
  let reach = 0;
  for (let i = 0; i < n; i++) {
    const a = model.ringStart[i]!;
    const z = model.ringStart[i + 1]!;
    let sx = 0;
    let sy = 0;
    for (let v = a; v < z; v++) {
      sx += ringM[2 * v]!;
      sy += ringM[2 * v + 1]!;
    }
    cx[i] = sx / (z - a);
    cy[i] = sy / (z - a);
    for (let v = a; v < z; v++) reach = Math.max(reach, Math.abs(ringM[2 * v]! - cx[i]!), Math.abs(ringM[2 * v + 1]! - cy[i]!));
  }
  const m = model.edgeA.length;
  const edgeM = new Float64Array(4 * m);
  const ex = new Float64Array(m);
  const ey = new Float64Array(m);
  let edgeReach = 0;
  for (let e = 0; e < m; e++) {
    for (let k = 0; k < 2; k++) {
      edgeM[4 * e + 2 * k] = mercX(model.edgeXY[4 * e + 2 * k]!);
      edgeM[4 * e + 2 * k + 1] = mercY(model.edgeXY[4 * e + 2 * k + 1]!);
    }
    ex[e] = (edgeM[4 * e]! + edgeM[4 * e + 2]!) / 2;
    ey[e] = (edgeM[4 * e + 1]! + edgeM[4 * e + 3]!) / 2;
    edgeReach = Math.max(edgeReach, Math.abs(edgeM[4 * e]! - ex[e]!), Math.abs(edgeM[4 * e + 1]! - ey[e]!));
  }
  return { ringM, edgeM, cells: bucketize(cx, cy, reach), edges: bucketize(ex, ey, edgeReach) };
}

// ------------------------------------------------------------------ tiles

/** A tile address. */
export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/** Mercator box of a tile widened by the buffer, and the mercator → tile-unit transform. */
function tileFrame({ z, x, y }: TileAddress) {
  const scale = 2 ** z;
  const pad = TILE_BUFFER / TILE_EXTENT / scale;
  return {
    x0: x / scale - pad,
    y0: y / scale - pad,
    x1: (x + 1) / scale + pad,
    y1: (y + 1) / scale + pad,
    tx: (mx: number) => Math.round((mx * scale - x) * TILE_EXTENT),
    ty: (my: number) => Math.round((my * scale - y) * TILE_EXTENT),
  };
}

/** Per-cell properties written into the cells layer. */
export interface CellTileProps {
  /** Extra numeric columns, e.g. `s0…` = workload per shift. */
  extra?: ReadonlyArray<readonly [string, ArrayLike<number>]>;
}

/**
 * The `cells` layer of a tile: one hexagon per cell overlapping it, id = cell index,
 * properties `b` (beat index now), `w` (weekly workload), `n` (need) and any `extra` columns.
 */
function cellsLayer(model: CellModel, index: TileIndex, t: TileAddress, props: CellTileProps): LayerBuilder {
  const f = tileFrame(t);
  const layer = new LayerBuilder(TILE_LAYERS.cells);
  const ring = index.ringM;
  const extra = props.extra ?? [];
  const geometry = new Int32Array(4 + 2 * 16);
  forEachIn(index.cells, f.x0, f.y0, f.x1, f.y1, (i) => {
    const a = model.ringStart[i]!;
    const z = model.ringStart[i + 1]!;
    let g = 0;
    let px = 0;
    let py = 0;
    let count = 0;
    for (let v = a; v < z; v++) {
      const qx = f.tx(ring[2 * v]!);
      const qy = f.ty(ring[2 * v + 1]!);
      if (count > 0 && qx === px && qy === py) continue;
      if (count === 0) geometry[g++] = command(1, 1);
      else if (count === 1) g++; // the LineTo command, set below
      geometry[g++] = zigzag(qx - px);
      geometry[g++] = zigzag(qy - py);
      px = qx;
      py = qy;
      count++;
    }
    if (count < 3) return; // smaller than a tile unit at this zoom
    geometry[3] = command(2, count - 1);
    geometry[g++] = command(7, 1);
    layer.prop('b', model.beatOf[i]!, 'sint');
    layer.prop('w', model.workloadHours[i]!, 'float');
    layer.prop('n', model.needHours[i]!, 'float');
    for (const [k, col] of extra) layer.prop(k, col[i]!, 'float');
    layer.add(i, 3, geometry, g);
  });
  return layer;
}

/** Appends a 2-point line (MoveTo + LineTo) to `geometry`; returns the new cursor. */
function pushSegment(geometry: number[], cursor: [number, number], ax: number, ay: number, bx: number, by: number): void {
  geometry.push(command(1, 1), zigzag(ax - cursor[0]), zigzag(ay - cursor[1]), command(2, 1), zigzag(bx - ax), zigzag(by - ay));
  cursor[0] = bx;
  cursor[1] = by;
}

/** The `edges` layer: every cell edge overlapping the tile, id = edge index, `on` (beat outline now) and `outer` (city boundary). */
function edgesLayer(model: CellModel, index: TileIndex, t: TileAddress): LayerBuilder {
  const f = tileFrame(t);
  const layer = new LayerBuilder(TILE_LAYERS.edges);
  const m = index.edgeM;
  forEachIn(index.edges, f.x0, f.y0, f.x1, f.y1, (e) => {
    const geometry: number[] = [];
    pushSegment(geometry, [0, 0], f.tx(m[4 * e]!), f.ty(m[4 * e + 1]!), f.tx(m[4 * e + 2]!), f.ty(m[4 * e + 3]!));
    layer.prop('on', isBeatEdge(model, e) ? 1 : 0, 'sint');
    layer.prop('outer', model.edgeB[e]! < 0 ? 1 : 0, 'sint');
    layer.add(e, 2, geometry);
  });
  return layer;
}

/** How the city-wide outlines are drawn (the `beats` and `areas` tiles). */
export interface OutlineOptions {
  /** Rounds of Chaikin smoothing of each chain (0: the hex edges as they are). */
  smooth: number;
  /** Douglas–Peucker tolerance, in pixels of a 512-px tile at the tile's zoom (0: every point kept). */
  simplifyPx: number;
}

/** For display: two rounds of smoothing, simplified within half a tile pixel (≤ 1 screen pixel). */
export const DISPLAY_OUTLINES: OutlineOptions = { smooth: 2, simplifyPx: 0.5 };

/** The chains of one beat assignment, smoothed, their rings, and their points simplified per zoom. */
interface OutlineCache {
  /** The options and the assignment the chains were built for (a copy: edits change `model.beatOf` in place). */
  key: string;
  beatOf: Int32Array;
  closed: Uint8Array;
  smoothed: ChainPoints;
  rings: Map<number, number[][]>;
  /** Per zoom: the simplified points and each chain's box `[x0, y0, x1, y1]` (mercator). */
  zooms: Map<number, { points: ChainPoints; box: Float64Array }>;
}

const outlineCaches = new WeakMap<TileIndex, OutlineCache>();

/** True when two beat assignments are the same, cell by cell. */
function sameAssignment(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The outline chains of the model's current assignment at zoom `z` (cached per assignment, options and zoom). */
function outlinesAt(model: CellModel, index: TileIndex, z: number, o: OutlineOptions) {
  const key = `${o.smooth}:${o.simplifyPx}`;
  let cache = outlineCaches.get(index);
  if (!cache || cache.key !== key || !sameAssignment(cache.beatOf, model.beatOf)) {
    const chains = outlineChains(model);
    cache = {
      key,
      beatOf: model.beatOf.slice(),
      closed: chains.closed,
      smoothed: smoothChains(chainPoints(chains, index.edgeM), chains.closed, o.smooth),
      rings: chainRings(chains),
      zooms: new Map(),
    };
    outlineCaches.set(index, cache);
  }
  let at = cache.zooms.get(z);
  if (!at) {
    const tol = o.simplifyPx / (512 * 2 ** z);
    const points = tol > 0 ? simplifyChains(cache.smoothed, cache.closed, tol) : cache.smoothed;
    const n = points.start.length - 1;
    const box = new Float64Array(4 * n);
    for (let c = 0; c < n; c++) {
      box.set([Infinity, Infinity, -Infinity, -Infinity], 4 * c);
      for (let i = points.start[c]!; i < points.start[c + 1]!; i++) {
        box[4 * c] = Math.min(box[4 * c]!, points.xy[2 * i]!);
        box[4 * c + 1] = Math.min(box[4 * c + 1]!, points.xy[2 * i + 1]!);
        box[4 * c + 2] = Math.max(box[4 * c + 2]!, points.xy[2 * i]!);
        box[4 * c + 3] = Math.max(box[4 * c + 3]!, points.xy[2 * i + 1]!);
      }
    }
    at = { points, box };
    cache.zooms.set(z, at);
  }
  return { rings: cache.rings, ...at };
}

/**
 * The `beats` layer: the beat outlines as they are now (the chains of edges between different
 * beats and of the grid's outer edges, see `outline-chains.ts`), smoothed and simplified for
 * the tile's zoom, one multi-line feature per tile (the runs of each chain's segments that
 * touch the tile) — what the city-wide view draws.
 */
function beatsLayer(model: CellModel, index: TileIndex, t: TileAddress, o: OutlineOptions): LayerBuilder {
  const f = tileFrame(t);
  const layer = new LayerBuilder(TILE_LAYERS.beats);
  const { points, box } = outlinesAt(model, index, t.z, o);
  const xy = points.xy;
  const geometry: number[] = [];
  let px = 0;
  let py = 0;
  const run: number[] = []; // tile points of the current run
  const flush = () => {
    if (run.length >= 4) {
      geometry.push(command(1, 1), zigzag(run[0]! - px), zigzag(run[1]! - py), command(2, run.length / 2 - 1));
      for (let k = 2; k < run.length; k += 2) geometry.push(zigzag(run[k]! - run[k - 2]!), zigzag(run[k + 1]! - run[k - 1]!));
      px = run[run.length - 2]!;
      py = run[run.length - 1]!;
    }
    run.length = 0;
  };
  const push = (i: number) => {
    const x = f.tx(xy[2 * i]!);
    const y = f.ty(xy[2 * i + 1]!);
    if (run.length && run[run.length - 2] === x && run[run.length - 1] === y) return;
    run.push(x, y);
  };
  for (let c = 0; c + 1 < points.start.length; c++) {
    if (box[4 * c]! > f.x1 || box[4 * c + 2]! < f.x0 || box[4 * c + 1]! > f.y1 || box[4 * c + 3]! < f.y0) continue;
    for (let i = points.start[c]!; i + 1 < points.start[c + 1]!; i++) {
      const ax = xy[2 * i]!;
      const ay = xy[2 * i + 1]!;
      const bx = xy[2 * i + 2]!;
      const by = xy[2 * i + 3]!;
      if (Math.min(ax, bx) > f.x1 || Math.max(ax, bx) < f.x0 || Math.min(ay, by) > f.y1 || Math.max(ay, by) < f.y0) {
        flush();
        continue;
      }
      if (!run.length) push(i);
      push(i + 1);
    }
    flush();
  }
  if (geometry.length) layer.add(null, 2, geometry);
  return layer;
}

/** Signed area (shoelace, ×2) of a ring of tile points. */
function ringArea(xy: readonly number[]): number {
  let a = 0;
  for (let k = 0; k < xy.length; k += 2) {
    const j = (k + 2) % xy.length;
    a += xy[k]! * xy[j + 1]! - xy[j]! * xy[k + 1]!;
  }
  return a;
}

/** True when the point is inside the ring (even-odd rule). */
function insideRing(x: number, y: number, xy: readonly number[]): boolean {
  let inside = false;
  for (let k = 0, j = xy.length - 2; k < xy.length; j = k, k += 2) {
    const xi = xy[k]!;
    const yi = xy[k + 1]!;
    const xj = xy[j]!;
    const yj = xy[j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The `areas` layer: each beat with a cell in (or near) the tile as one polygon feature, the
 * union of its cells bounded by the same chains as the outlines (see {@link beatsLayer}; rings
 * of chains, `chainRings`), id = beat index, property `b`. What the city-wide view fills: a
 * few hundred polygons instead of 40k hexagons. Without smoothing and simplification
 * (`{ smooth: 0, simplifyPx: 0 }`) each beat's area is exactly the union of its cells' hexagons.
 */
function areasLayer(model: CellModel, index: TileIndex, t: TileAddress, o: OutlineOptions): LayerBuilder {
  const f = tileFrame(t);
  const layer = new LayerBuilder(TILE_LAYERS.areas);
  const beats = new Uint8Array(model.beatIds.length);
  let any = false;
  forEachIn(index.cells, f.x0, f.y0, f.x1, f.y1, (i) => {
    const b = model.beatOf[i]!;
    if (b >= 0) {
      beats[b] = 1;
      any = true;
    }
  });
  if (!any) return layer;
  const { rings: ringsOf, points } = outlinesAt(model, index, t.z, o);
  for (const [b, rings] of ringsOf) {
    if (!beats[b]) continue;
    // tile points of each ring, consecutive duplicates (smaller than a tile unit) dropped
    const outer: number[][] = [];
    const holes: number[][] = [];
    for (const ring of rings) {
      const xy: number[] = [];
      for (const ref of ring) {
        const a = points.start[ref >> 1]!;
        const z = points.start[(ref >> 1) + 1]!;
        for (let k = 0; k < z - a; k++) {
          const i = ref & 1 ? z - 1 - k : a + k;
          const x = f.tx(points.xy[2 * i]!);
          const y = f.ty(points.xy[2 * i + 1]!);
          if (xy.length && xy[xy.length - 2] === x && xy[xy.length - 1] === y) continue;
          xy.push(x, y);
        }
      }
      if (xy.length >= 4 && xy[0] === xy[xy.length - 2] && xy[1] === xy[xy.length - 1]) xy.length -= 2;
      if (xy.length < 6) continue;
      const a = ringArea(xy);
      if (a > 0) outer.push(xy);
      else if (a < 0) holes.push(xy);
    }
    if (!outer.length) continue;
    const holesOf = outer.map(() => [] as number[][]);
    for (const h of holes) {
      const k = outer.findIndex((r) => insideRing(h[0]!, h[1]!, r));
      if (k >= 0) holesOf[k]!.push(h);
    }
    const geometry: number[] = [];
    let px = 0;
    let py = 0;
    const write = (xy: number[]) => {
      geometry.push(command(1, 1), zigzag(xy[0]! - px), zigzag(xy[1]! - py));
      geometry.push(command(2, xy.length / 2 - 1));
      for (let k = 2; k < xy.length; k += 2) geometry.push(zigzag(xy[k]! - xy[k - 2]!), zigzag(xy[k + 1]! - xy[k - 1]!));
      geometry.push(command(7, 1));
      px = xy[xy.length - 2]!;
      py = xy[xy.length - 1]!;
    };
    outer.forEach((r, k) => {
      write(r);
      for (const h of holesOf[k]!) write(h);
    });
    layer.prop('b', b, 'sint');
    layer.add(b, 3, geometry);
  }
  return layer;
}

/**
 * Encodes one tile of one layer as MVT bytes. `outlines`: how the `beats` and `areas` layers
 * draw the beat outlines (default {@link DISPLAY_OUTLINES}: smoothed and simplified).
 * @example const bytes = encodeTile(model, buildTileIndex(model), 'cells', { z: 12, x: 1050, y: 1522 });
 */
export function encodeTile(
  model: CellModel,
  index: TileIndex,
  layer: TileLayer,
  t: TileAddress,
  props: CellTileProps = {},
  outlines: OutlineOptions = DISPLAY_OUTLINES,
): ArrayBuffer {
  // the city-wide tiles carry the outlines and the beats' areas together
  const builders =
    layer === 'cells'
      ? [cellsLayer(model, index, t, props)]
      : layer === 'edges'
        ? [edgesLayer(model, index, t)]
        : layer === 'beats'
          ? [beatsLayer(model, index, t, outlines), areasLayer(model, index, t, outlines)]
          : [areasLayer(model, index, t, outlines)];
  const pbf = new PbfWriter();
  for (const b of builders) if (b.size) b.write(pbf);
  return pbf.finish();
}

// ------------------------------------------------------------------ protocol

/** What the protocol serves for one key (one loaded plan). */
export interface TileProvider {
  model: CellModel;
  index: TileIndex;
  /** Extra cell columns (read at request time, so they may change). */
  cellProps: () => CellTileProps;
}

const providers = new Map<string, TileProvider>();

/** Registers (or replaces) what `bptiles://<key>/…` serves; returns the tile URL template of each layer. */
export function registerTileProvider(key: string, provider: TileProvider): Record<TileLayer, string> {
  providers.set(key, provider);
  return {
    cells: `${TILE_PROTOCOL}://${key}/cells/{z}/{x}/{y}`,
    edges: `${TILE_PROTOCOL}://${key}/edges/{z}/{x}/{y}`,
    beats: `${TILE_PROTOCOL}://${key}/beats/{z}/{x}/{y}`,
    areas: `${TILE_PROTOCOL}://${key}/areas/{z}/{x}/{y}`,
  };
}

/** Forgets a key (its tiles then come back empty). */
export function unregisterTileProvider(key: string): void {
  providers.delete(key);
}

/**
 * Answers a tile URL `bptiles://<key>/<layer>/<z>/<x>/<y>[?…]` (an empty tile for unknown keys).
 * @throws Error on a malformed URL
 */
export function tileOfUrl(url: string): ArrayBuffer {
  const m = /^[a-z]+:\/\/([^/]+)\/(cells|edges|beats|areas)\/(\d+)\/(\d+)\/(\d+)/.exec(url);
  if (!m) throw new Error(`not a tile URL: ${url}`);
  const p = providers.get(m[1]!);
  if (!p) return new ArrayBuffer(0);
  const t0 = performance.now();
  const out = encodeTile(
    p.model,
    p.index,
    m[2] as TileLayer,
    { z: Number(m[3]), x: Number(m[4]), y: Number(m[5]) },
    m[2] === 'cells' ? p.cellProps() : {},
  );
  tileStats.tiles++;
  tileStats.ms += performance.now() - t0;
  tileStats.bytes += out.byteLength;
  return out;
}

/** Tiles cut so far on this page: count, main-thread milliseconds, bytes (for the perf test). */
export const tileStats = { tiles: 0, ms: 0, bytes: 0 };

let protocolAdded = false;

/**
 * Installs the `bptiles` protocol once (pass MapLibre's `addProtocol`). Tiles are made on the
 * main thread, where the model lives, on MapLibre's request.
 */
export function installTileProtocol(
  addProtocol: (scheme: string, load: (params: { url: string }) => Promise<{ data: ArrayBuffer }>) => void,
): void {
  if (protocolAdded) return;
  protocolAdded = true;
  addProtocol(TILE_PROTOCOL, async (params) => ({ data: tileOfUrl(params.url) }));
}
