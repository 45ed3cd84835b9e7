/**
 * Test support: store records with every field filled, for store tests that insert rows directly
 * (what a blob delete or sweep must keep). Not part of the build (excluded in tsconfig).
 */
import { randomUUID } from 'node:crypto';
import type { DatasetRecord, JobRecord } from '../store/store.js';

/** The time of every record made here. */
export const RECORD_TIME = '2026-01-01T00:00:00.000Z';

/**
 * A finished (`succeeded`) what-if job with `result` (where a job names its blobs) and `params`.
 * @example await store.insertJob(finishedJob({ whatIfBlob: ref }));
 */
export function finishedJob(result: Record<string, unknown>, params: Record<string, unknown> = {}): JobRecord {
  return {
    id: randomUUID(),
    kind: 'whatif',
    status: 'succeeded',
    progress: 1,
    stage: null,
    params,
    error: null,
    result,
    createdAt: RECORD_TIME,
    startedAt: RECORD_TIME,
    finishedAt: RECORD_TIME,
    createdBy: null,
  };
}

/**
 * A boundary dataset whose content is the blob `blobRef` (`bytes` long).
 * @example await store.insertDataset(boundaryDataset(await store.putBlob(Buffer.from('{}')), 2));
 */
export function boundaryDataset(blobRef: string, bytes = 1, id: string = randomUUID()): DatasetRecord {
  return {
    id,
    kind: 'boundary',
    name: 'b',
    format: 'geojson',
    bytes,
    sha256: 'x',
    blobRef,
    info: {},
    createdAt: RECORD_TIME,
    createdBy: null,
  };
}
