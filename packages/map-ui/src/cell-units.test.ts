import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { brushCells, cellsToModel, isUnitEdge, withWholeUnits } from './cell-model.js';
import { symbolLegend } from './legend.js';
import { LAYERS, planLayers, UNIT_EDGE } from './map-style.js';

// a disk of 19 cells: the centre cell and its ring are unit U1 (7 cells), the outer ring is
// split into units U2 (the first 6 cells met) and U3 (the other 6); one beat
const centre = latLngToCell(41.88, -87.63, 9);
const inner = new Set(gridDisk(centre, 1));
const cells = gridDisk(centre, 2);
let outerSeen = 0;
const unitOf = cells.map((h) => (inner.has(h) ? 'U1' : outerSeen++ < 6 ? 'U2' : 'U3'));
const columns = ['h3', 'beat', 'workload', 'need', 'unit'];
const model = cellsToModel({ resolution: 9, columns, rows: cells.map((h, k) => [h, 'A', 1, 0, unitOf[k]!]) }, ['A']);

describe('cell model of a plan made on units', () => {
  it('reads the unit column into unitOf and a CSR of the cells of each unit', () => {
    const u = model.units!;
    expect(u.unitIds).toEqual([...new Set(unitOf)]);
    expect(Array.from(u.unitOf, (k) => u.unitIds[k])).toEqual(unitOf);
    const sizes = u.unitIds.map((_, k) => u.unitStart[k + 1]! - u.unitStart[k]!);
    expect(sizes.sort()).toEqual([6, 6, 7]);
    for (let k = 0; k < u.unitIds.length; k++)
      for (let j = u.unitStart[k]!; j < u.unitStart[k + 1]!; j++) expect(u.unitOf[u.unitCells[j]!]).toBe(k);
  });

  it('the brush grows to whole units: one cell of U1 paints its 7 cells; without units, the cell alone', () => {
    const i = model.indexOf.get(centre)!;
    expect(withWholeUnits(model, brushCells(model, i, 0)).sort((a, b) => a - b)).toEqual(
      cells
        .map((h, k) => (inner.has(h) ? k : -1))
        .filter((k) => k >= 0)
        .map((k) => model.indexOf.get(cells[k]!)!)
        .sort((a, b) => a - b),
    );
    const plain = cellsToModel({ resolution: 9, columns: ['h3', 'beat', 'workload', 'need'], rows: cells.map((h) => [h, 'A', 1, 0]) }, [
      'A',
    ]);
    expect(plain.units).toBeNull();
    expect(withWholeUnits(plain, [3])).toEqual([3]);
  });

  it('unit edges are the edges between two units (never the rim, never inside a unit)', () => {
    const u = model.units!;
    let count = 0;
    for (let e = 0; e < model.edgeA.length; e++) {
      const b = model.edgeB[e]!;
      const want = b >= 0 && u.unitOf[model.edgeA[e]!] !== u.unitOf[b];
      expect(isUnitEdge(model, e)).toBe(want);
      if (want) count++;
    }
    // the 6-cell ring around U1 touches the outer ring along 18 edges, plus the 2 edges where U2 meets U3
    expect(count).toBeGreaterThanOrEqual(18);
  });

  it('the legend names the unit edges in the colour of their layer, only for a plan made on units', () => {
    expect(symbolLegend({ units: 4619 }).items.at(-1)).toEqual({
      colour: UNIT_EDGE.colour,
      symbol: 'line',
      label: 'edge of a unit (4,619 units; the brush paints whole units)',
    });
    expect(symbolLegend({ units: null }).items).toHaveLength(1);
    const layer = planLayers({ mode: 'beat' }).find((l) => l.id === LAYERS.unitEdges) as {
      paint: Record<string, unknown>;
      minzoom: number;
    };
    expect(layer.paint['line-color']).toBe(UNIT_EDGE.colour);
  });
});
