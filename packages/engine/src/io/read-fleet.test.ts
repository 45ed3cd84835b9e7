import { describe, expect, it } from 'vitest';
import { readFleet } from './read-fleet.js';

describe('readFleet', () => {
  it('reads and sums vehicles per shift and type, reporting bad counts', async () => {
    const text = 'shift,vehicle_type,count\n1,Marked,40\n1,marked,2\n1,bike,5\n2,SUV,-1\n2,suv,x\n2,,3\n';
    const { fleet, report } = await readFleet({ text });
    expect(fleet).toEqual([
      { shift: '1', vehicleType: 'marked', count: 42 },
      { shift: '1', vehicleType: 'bike', count: 5 },
    ]);
    expect(report.rejected.map((r) => [r.row, r.field, r.value])).toEqual([
      [5, 'count', '-1'],
      [6, 'count', 'x'],
      [7, 'vehicle_type', ''],
    ]);
  });
});
