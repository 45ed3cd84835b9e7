import { describe, expect, it } from 'vitest';
import * as io from './index.js';

describe('@beatplan/engine/io public API', () => {
  it('exports exactly the documented runtime values', () => {
    expect(Object.keys(io).sort()).toEqual(
      [
        'DEFAULT_MAX_JSON_BYTES',
        'DEFAULT_MAX_ROW_BYTES',
        'IncidentClock',
        'REJECT_REASONS',
        'findColumn',
        'normalizeColumnName',
        'parseColumnMapping',
        'parseLocalTimeMs',
        'readBoundary',
        'readCsvTable',
        'loadCity',
        'readCsvRecords',
        'parseBoolean',
        'readFleet',
        'readRoster',
        'readIncidents',
        'readLines',
        'readPolygonLayer',
        'ringProblem',
        'validateLines',
        'validatePolygons',
        // incident counts per polygon (readAreaCounts)
        'areaCountsSummary',
        'parseAreaCountsSpec',
        'readAreaCounts',
        // the use-cases from files (usecases/files.ts): dataset checks, context, plan, staff, what-if
        'buildContext',
        'datasetInspectors',
        'inspectBarriers',
        'inspectBeats',
        'inspectBoundary',
        'inspectFleet',
        'inspectIncidents',
        'inspectIncidentCounts',
        'inspectLayer',
        'inspectRoads',
        'inspectRoster',
        'inspectUnits',
        'inspectVenues',
        'planOnFiles',
        'readIdPolygons',
        'readRoadNetwork',
        'readVenues',
        'replayCallsInput',
        'scoredCellsOfCsv',
        'simulateFromFiles',
        'staffOptionsOfFiles',
        'staffPlanFromFiles',
        'summarizeFeatures',
        'unitOutlineFromFiles',
        'whatIfFromFiles',
      ].sort(),
    );
  });
});
