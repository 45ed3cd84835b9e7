import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { aggregateBeats, beatAdjacency, beatNeighbours, brushCells, cellsToModel, edgesOfCells, isBeatEdge, pointToCell } from './cell-model.js';
import { BEAT_OF_CELL, EDGE_OUTLINE_MINZOOM, cellFeatures, cellFillColour, composeStyle, edgeFeatures, LAYERS, legendFor, offlineBaseStyle, planLayers, planSources, rampInput, selectedOpacity, SOURCES } from './map-style.js';
import { BEAT_PALETTE, SEQUENTIAL_RAMP, UNASSIGNED_COLOUR } from './palette.js';
import { cellToBoundary } from 'h3-js';

// a disk of 19 cells at resolution 9; the centre ring (7 cells) is beat A, the rest beat B
const centre = latLngToCell(41.88, -87.63, 9);
const inner = new Set(gridDisk(centre, 1));
const cells = gridDisk(centre, 2);
const model = cellsToModel(
  { resolution: 9, columns: ['h3', 'beat', 'workloadHours', 'needHours'], rows: cells.map((h, k) => [h, inner.has(h) ? 'A' : 'B', k, 2 * k]) },
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

  it('builds cell and edge features addressed by index', () => {
    const fcCells = cellFeatures(model, (i) => cellToBoundary(model.h3[i]!, true));
    expect(fcCells.features).toHaveLength(19);
    expect(fcCells.features[3]!.id).toBe(3);
    expect(fcCells.features[0]!.geometry.coordinates[0]).toHaveLength(7);
    expect(fcCells.features[0]!.properties).toMatchObject({ b: model.beatOf[0], w: 0, n: 0 });
    const fcEdges = edgeFeatures(model);
    expect(fcEdges.features.filter((f) => f.properties.outer === 1)).toHaveLength(30);
    expect(fcEdges.features.filter((f) => f.properties.on === 1)).toHaveLength(48);
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
    expect(e[2]).toEqual(['to-number', ['feature-state', 'v'], 0]);
    expect(e.slice(3)).toEqual([0, SEQUENTIAL_RAMP[0], 1, SEQUENTIAL_RAMP[1], 2, SEQUENTIAL_RAMP[2], 3, SEQUENTIAL_RAMP[3], 4, SEQUENTIAL_RAMP[4]]);
    expect(rampInput('need')).toEqual(['to-number', ['get', 'n'], 0]);
    expect(rampInput('workload')).toEqual(['to-number', ['get', 'w'], 0]);
  });

  it('stacks the plan layers on the base, outlines above fills, overlay hidden', () => {
    const layers = planLayers({ mode: 'beat', colourOfBeat: [0, 1], selectedBeat: 1 });
    expect(layers.map((l) => l.id)).toEqual([LAYERS.cells, LAYERS.selected, LAYERS.changed, LAYERS.outlines, LAYERS.boundary, LAYERS.beatLines, LAYERS.overlay]);
    // live edge outlines from EDGE_OUTLINE_MINZOOM up, the API's dissolved beats below it: no gap, no overlap
    expect(layers.find((l) => l.id === LAYERS.outlines)!.minzoom).toBe(EDGE_OUTLINE_MINZOOM);
    expect(layers.find((l) => l.id === LAYERS.beatLines)!.maxzoom).toBe(EDGE_OUTLINE_MINZOOM);
    expect(layers.find((l) => l.id === LAYERS.overlay)!.layout).toEqual({ visibility: 'none' });
    expect(layers.find((l) => l.id === LAYERS.changed)!.layout).toEqual({ visibility: 'none' });
    expect(layers.find((l) => l.id === LAYERS.selected)!.layout).toEqual({ visibility: 'visible' });
    expect(selectedOpacity(null)).toBe(0);
    expect(selectedOpacity(1)).toEqual(['case', ['==', BEAT_OF_CELL, 1], 0.35, 0]);
    const style = composeStyle(offlineBaseStyle(), planSources({ type: 'FeatureCollection', features: [] }, { type: 'FeatureCollection', features: [] }), layers);
    expect(Object.keys(style.sources)).toEqual([SOURCES.cells, SOURCES.edges, SOURCES.beats, SOURCES.overlay]);
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
