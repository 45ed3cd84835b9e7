import { cellArea, cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import {
  aggregateBeats,
  beatAdjacency,
  beatNeighbours,
  brushCells,
  cellsToModel,
  edgesOfCells,
  isBeatEdge,
  pointToCell,
} from './cell-model.js';
import {
  BEAT_OF_CELL,
  cellFillColour,
  composeStyle,
  EDGE_OUTLINE_MINZOOM,
  LAYERS,
  legendFor,
  offlineBaseStyle,
  planLayers,
  planSources,
  rampInput,
  SOURCE_LAYERS,
  SOURCES,
  selectedOpacity,
} from './map-style.js';
import { BEAT_PALETTE, SEQUENTIAL_RAMP, UNASSIGNED_COLOUR } from './palette.js';
import { readTile } from './test-support/mvt.js';
import { buildTileIndex, encodeTile, mercX, mercY, registerTileProvider, type TileAddress, tileOfUrl } from './vector-tiles.js';

/** The tile of zoom `z` holding a point. */
const tileAt = (lng: number, lat: number, z: number): TileAddress => ({
  z,
  x: Math.floor(mercX(lng) * 2 ** z),
  y: Math.floor(mercY(lat) * 2 ** z),
});

// a disk of 19 cells at resolution 9; the centre ring (7 cells) is beat A, the rest beat B
const centre = latLngToCell(41.88, -87.63, 9);
const inner = new Set(gridDisk(centre, 1));
const cells = gridDisk(centre, 2);
const model = cellsToModel(
  {
    resolution: 9,
    columns: ['h3', 'beat', 'workloadHours', 'needHours'],
    rows: cells.map((h, k) => [h, inner.has(h) ? 'A' : 'B', k, 2 * k]),
  },
  ['A', 'B'],
);

describe('cellsToModel', () => {
  it('reads cells, beats, neighbours and edges', () => {
    expect(model.cellCount).toBe(19);
    expect(model.beatIds).toEqual(['A', 'B']);
    expect(model.beatOf.filter((b) => b === 0).length).toBe(7);
    // a hexagonal disk of radius 2 has 30 internal + 30 outer... count: each cell 6 edges, shared edges counted once
    const outer = Array.from(model.edgeB).filter((b) => b < 0).length;
    expect(outer).toBe(30);
    expect(model.edgeA.length).toBe((19 * 6 + outer) / 2);
    const i = model.indexOf.get(centre)!;
    expect(model.nbrStart[i + 1]! - model.nbrStart[i]!).toBe(6);
    expect(pointToCell(model, -87.63, 41.88)).toBe(i);
    expect(pointToCell(model, 0, 0)).toBe(-1);
    // neighbours are the grid disk; centroids and areas match h3's within rounding
    expect(
      Array.from(model.nbr.subarray(model.nbrStart[i]!, model.nbrStart[i + 1]!))
        .map((j) => model.h3[j])
        .sort(),
    ).toEqual(
      gridDisk(centre, 1)
        .filter((h) => h !== centre)
        .sort(),
    );
    const [lat, lng] = cellToLatLng(centre);
    expect(model.centroid[2 * i]).toBeCloseTo(lng, 5);
    expect(model.centroid[2 * i + 1]).toBeCloseTo(lat, 5);
    expect(model.areaKm2[i]! / cellArea(centre, 'km2')).toBeCloseTo(1, 5);
    expect(model.ringStart[i + 1]! - model.ringStart[i]!).toBe(6);
    expect(model.detail).toBeNull();
  });

  it('reads per-shift workload, incidents and population from the cells answer', () => {
    const m = cellsToModel({
      resolution: 9,
      columns: ['h3', 'beat', 'workloadHours', 'needHours', 'workload_0-8', 'workload_8-24', 'incidents', 'population'],
      rows: [[centre, 'A', 3, 1, 1, 2, 5, 100]],
    });
    expect(m.detail!.shifts).toEqual(['0-8', '8-24']);
    expect(Array.from(m.detail!.shiftWorkload[1]!)).toEqual([2]);
    expect(m.detail!.incidents[0]).toBe(5);
    expect(m.detail!.population[0]).toBe(100);
  });
  it('reads a public (viewer) answer: pooled workload, null where suppressed, no shifts, no incidents', () => {
    const [c1, c2] = gridDisk(centre, 1);
    const m = cellsToModel({
      resolution: 9,
      columns: ['h3', 'beat', 'workloadHours', 'needHours', 'population'],
      rows: [
        [c1!, 'A', 2.5, 1, 100],
        [c2!, 'A', null, 1, 50],
      ],
      privacy: { k: 5, method: 'h3-pooling' },
    });
    expect(m.privacy).toEqual({ k: 5, method: 'h3-pooling' });
    expect(m.workloadHours[0]).toBe(2.5);
    expect(m.workloadHours[1]).toBeNaN();
    expect(m.detail!.shifts).toEqual([]);
    expect(Array.from(m.detail!.population)).toEqual([100, 50]);
    expect(m.detail!.incidents.every(Number.isNaN)).toBe(true);
    // an older API without shift columns: no detail (the map reads cells.csv then)
    expect(
      cellsToModel({ resolution: 9, columns: ['h3', 'beat', 'workloadHours', 'needHours'], rows: [[c1!, 'A', 1, 1]] }).detail,
    ).toBeNull();
    // a suppressed cell carries no `w` in its tile
    const t = tileAt(-87.63, 41.88, 9);
    const cl = readTile(encodeTile(m, buildTileIndex(m), 'cells', t));
    expect(cl.props(cl.layers[0]!, cl.layers[0]!.features.find((f) => f.id === 1)!)).toEqual({ b: 0, n: 1 });
  });

  it('finds beat outlines, adjacency, brushes and aggregates', () => {
    const beatEdges = Array.from({ length: model.edgeA.length }, (_, e) => e).filter((e) => isBeatEdge(model, e) && model.edgeB[e]! >= 0);
    expect(beatEdges.length).toBe(18); // the ring between the inner 7 and the outer 12
    expect(beatAdjacency(model)).toEqual([[1], [0]]);
    expect(beatNeighbours(model, [1])).toEqual(new Map([[1, [0]]]));
    const i = model.indexOf.get(centre)!;
    expect(brushCells(model, i, 0)).toEqual([i]);
    expect(brushCells(model, i, 1).length).toBe(7);
    expect(brushCells(model, -1, 3)).toEqual([]);
    expect(edgesOfCells(model, [i]).length).toBe(6);
    const agg = aggregateBeats(model);
    expect(agg.get(0)!.cells).toBe(7);
    expect(agg.get(0)!.labelCell).toBe(i);
    expect(agg.get(1)!.cells).toBe(12);
  });
});

describe('style builders', () => {
  it('builds an offline style that fetches nothing', () => {
    const s = offlineBaseStyle();
    expect(s.version).toBe(8);
    expect(s.glyphs).toBeUndefined();
    expect(s.sprite).toBeUndefined();
    expect(s.layers.map((l) => l.type)).toEqual(['background']);
  });

  it('cuts cell, edge and outline vector tiles addressed by index', () => {
    const index = buildTileIndex(model);
    const t = tileAt(-87.63, 41.88, 9); // the whole disk in one tile
    const cellsTile = readTile(encodeTile(model, index, 'cells', t, { extra: [['s0', model.needHours]] }));
    const cl = cellsTile.layers[0]!;
    expect(cl.name).toBe(SOURCE_LAYERS.cells);
    expect(cl.extent).toBe(4096);
    expect(cl.features).toHaveLength(19);
    const f3 = cl.features.find((f) => f.id === 3)!;
    expect(f3.type).toBe(3);
    expect(f3.geometry[0]).toBe(1 | (1 << 3)); // MoveTo 1
    expect(f3.geometry[3]).toBe(2 | (5 << 3)); // LineTo 5: a hexagon
    expect(f3.geometry.at(-1)).toBe(7 | (1 << 3)); // ClosePath
    expect(cellsTile.props(cl, f3)).toEqual({ b: model.beatOf[3], w: 3, n: 6, s0: 6 });
    const edges = readTile(encodeTile(model, index, 'edges', t)).layers[0]!;
    expect(edges.features).toHaveLength(model.edgeA.length);
    const props = edges.features.map((f) => readTile(encodeTile(model, index, 'edges', t)).props(edges, f));
    expect(props.filter((p) => p.outer === 1)).toHaveLength(30);
    expect(props.filter((p) => p.on === 1)).toHaveLength(48);
    // outlines: one multi-line of the chains of the 48 edges between beats or outside (the hex edges as they are: 48 segments)
    const beats = readTile(encodeTile(model, index, 'beats', t, {}, { smooth: 0, simplifyPx: 0 })).layers[0]!;
    expect(beats.features).toHaveLength(1);
    const g = beats.features[0]!.geometry;
    let segments = 0;
    for (let k = 0; k < g.length; k += 3) {
      segments += g[k + 3]! >> 3; // MoveTo x y, LineTo(n) then 2n numbers
      k += 1 + 2 * (g[k + 3]! >> 3);
    }
    expect(segments).toBe(48);
    // far away: an empty tile; the protocol serves registered keys only
    expect(encodeTile(model, index, 'cells', tileAt(10, 50, 12)).byteLength).toBe(0);
    const urls = registerTileProvider('test', { model, index, cellProps: () => ({}) });
    expect(urls.cells).toBe('bptiles://test/cells/{z}/{x}/{y}');
    expect(readTile(tileOfUrl(`bptiles://test/cells/${t.z}/${t.x}/${t.y}?v=2`)).layers[0]!.features).toHaveLength(19);
    expect(tileOfUrl(`bptiles://other/cells/${t.z}/${t.x}/${t.y}`).byteLength).toBe(0);
  });

  it('colours beats by palette through the cell beat state, unassigned grey', () => {
    const e = cellFillColour({ mode: 'beat', colourOfBeat: [2, 0] }) as unknown[];
    expect(e[0]).toBe('match');
    expect(e[1]).toEqual(BEAT_OF_CELL);
    expect(e.slice(2)).toEqual([0, BEAT_PALETTE[2], 1, BEAT_PALETTE[0], UNASSIGNED_COLOUR]);
    expect(cellFillColour({ mode: 'beat', colourOfBeat: [] })).toBe(UNASSIGNED_COLOUR);
  });

  it('ramps workload per shift and need over the breaks', () => {
    const e = cellFillColour({ mode: 'workload', shift: 1, breaks: [0, 1, 2, 3, 4] }) as unknown[];
    expect(e[0]).toBe('interpolate');
    expect(e[2]).toEqual(['to-number', ['get', 's1'], 0]);
    expect(e.slice(3)).toEqual([
      0,
      SEQUENTIAL_RAMP[0],
      1,
      SEQUENTIAL_RAMP[1],
      2,
      SEQUENTIAL_RAMP[2],
      3,
      SEQUENTIAL_RAMP[3],
      4,
      SEQUENTIAL_RAMP[4],
    ]);
    expect(rampInput('need')).toEqual(['to-number', ['get', 'n'], 0]);
    expect(rampInput('workload')).toEqual(['to-number', ['get', 'w'], 0]);
  });

  it('stacks the plan layers on the base, outlines above fills, overlay hidden', () => {
    const layers = planLayers({ mode: 'beat', colourOfBeat: [0, 1], selectedBeat: 1 });
    expect(layers.map((l) => l.id)).toEqual([
      LAYERS.areas,
      LAYERS.cells,
      LAYERS.areasSelected,
      LAYERS.selected,
      LAYERS.changed,
      LAYERS.unitEdges,
      LAYERS.heat,
      LAYERS.heatPoints,
      LAYERS.outlines,
      LAYERS.boundary,
      LAYERS.beatLines,
      LAYERS.overlay,
    ]);
    // the heat layers lie over the cells, under the outlines, hidden until toggled
    expect(layers.filter((l) => l.id === LAYERS.heat || l.id === LAYERS.heatPoints).map((l) => l.layout)).toEqual([
      { visibility: 'none' },
      { visibility: 'none' },
    ]);
    // live edge outlines from EDGE_OUTLINE_MINZOOM up, the API's dissolved beats below it: no gap, no overlap
    expect(layers.find((l) => l.id === LAYERS.outlines)!.minzoom).toBe(EDGE_OUTLINE_MINZOOM);
    expect(layers.find((l) => l.id === LAYERS.beatLines)!.maxzoom).toBe(EDGE_OUTLINE_MINZOOM);
    expect(layers.find((l) => l.id === LAYERS.overlay)!.layout).toEqual({ visibility: 'none' });
    expect(layers.find((l) => l.id === LAYERS.changed)!.layout).toEqual({ visibility: 'none' });
    expect(layers.find((l) => l.id === LAYERS.selected)!.layout).toEqual({ visibility: 'visible' });
    // the beat colouring fills the beats' merged areas below the live-edge zoom, the cells from it: no gap, no overlap
    expect(layers.find((l) => l.id === LAYERS.areas)).toMatchObject({
      source: SOURCES.beats,
      'source-layer': SOURCE_LAYERS.areas,
      maxzoom: EDGE_OUTLINE_MINZOOM,
      layout: { visibility: 'visible' },
    });
    expect(layers.find((l) => l.id === LAYERS.cells)!.minzoom).toBe(EDGE_OUTLINE_MINZOOM);
    expect(layers.find((l) => l.id === LAYERS.areasSelected)!.maxzoom).toBe(EDGE_OUTLINE_MINZOOM);
    expect(layers.find((l) => l.id === LAYERS.selected)!.minzoom).toBe(EDGE_OUTLINE_MINZOOM);
    // a ramp colours every cell at every zoom, and hides the areas
    const ramp = planLayers({ mode: 'workload', breaks: [0, 1, 2, 3, 4] });
    expect(ramp.find((l) => l.id === LAYERS.cells)!.minzoom).toBe(0);
    expect(ramp.find((l) => l.id === LAYERS.areas)!.layout).toEqual({ visibility: 'none' });
    expect(selectedOpacity(null)).toBe(0);
    expect(selectedOpacity(1)).toEqual(['case', ['==', BEAT_OF_CELL, 1], 0.35, 0]);
    const sources = planSources({
      cells: 'bptiles://k/cells/{z}/{x}/{y}',
      edges: 'bptiles://k/edges/{z}/{x}/{y}',
      beats: 'bptiles://k/beats/{z}/{x}/{y}',
    });
    const style = composeStyle(offlineBaseStyle(), sources, layers);
    expect(Object.keys(style.sources)).toEqual([SOURCES.cells, SOURCES.edges, SOURCES.beats, SOURCES.overlay, SOURCES.incidents]);
    // edge tiles are only cut where they are drawn
    expect(sources[SOURCES.edges]).toMatchObject({ type: 'vector', minzoom: EDGE_OUTLINE_MINZOOM });
    for (const l of layers)
      if (l.type !== 'background' && 'source' in l && l.source !== SOURCES.overlay && l.source !== SOURCES.incidents)
        expect(l['source-layer']).toBeDefined();
    expect(style.layers[0]!.id).toBe(LAYERS.background);
  });

  it('gives a legend for every colouring', () => {
    expect(legendFor({ mode: 'beat' }).items).toHaveLength(BEAT_PALETTE.length + 1);
    const w = legendFor({ mode: 'workload', breaks: [0, 1, 2, 3, 40], shiftLabel: '8-16' });
    expect(w.title).toContain('8-16');
    expect(w.items.map((i) => i.colour)).toEqual([...SEQUENTIAL_RAMP]);
    expect(w.items[4]!.label).toBe('≥ 40');
    expect(legendFor({ mode: 'need' }).title).toContain('need');
  });
});
