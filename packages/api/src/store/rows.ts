/**
 * Database rows → store records: one mapping shared by every Store implementation (column
 * names are the same in the SQLite and PostgreSQL schemas; JSON columns are text).
 */
import type {
  AlternativeSetRecord,
  DatasetKind,
  DatasetRecord,
  JobRecord,
  PlanRecord,
  PlanVersionRecord,
  StaffingRecord,
  TokenRecord,
} from './store.js';

/** A row as the drivers return it. */
export type Row = Record<string, unknown>;

/** Parses a JSON text column. */
export const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;

export function toDataset(r: Row): DatasetRecord {
  return {
    id: String(r.id),
    kind: r.kind as DatasetKind,
    name: String(r.name),
    format: r.format as DatasetRecord['format'],
    bytes: Number(r.bytes),
    sha256: String(r.sha256),
    blobRef: String(r.blob_ref),
    info: parse(r.info),
    createdAt: String(r.created_at),
    createdBy: (r.created_by as string | null) ?? null,
  };
}

export function toPlan(r: Row): PlanRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    inputs: parse(r.inputs),
    currentVersion: Number(r.current_version),
    latestVersion: Number(r.latest_version),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    createdBy: (r.created_by as string | null) ?? null,
  };
}

export function toVersion(r: Row): PlanVersionRecord {
  return {
    planId: String(r.plan_id),
    version: Number(r.version),
    parentVersion: r.parent_version === null ? null : Number(r.parent_version),
    action: String(r.action),
    summary: parse(r.summary),
    planBlobRef: String(r.plan_blob_ref),
    metricsBlobRef: (r.metrics_blob_ref as string | null) ?? null,
    createdAt: String(r.created_at),
    createdBy: (r.created_by as string | null) ?? null,
  };
}

/** An `alternative_sets` row as a record. */
export function toAlternativeSet(r: Row): AlternativeSetRecord {
  return {
    id: String(r.id),
    planId: String(r.plan_id),
    parentVersion: Number(r.parent_version),
    members: parse(r.members),
    createdAt: String(r.created_at),
    createdBy: (r.created_by as string | null) ?? null,
  };
}

export function toJob(r: Row): JobRecord {
  return {
    id: String(r.id),
    kind: r.kind as JobRecord['kind'],
    status: r.status as JobRecord['status'],
    progress: Number(r.progress),
    stage: (r.stage as string | null) ?? null,
    params: parse(r.params),
    error: r.error === null ? null : parse(r.error),
    result: r.result === null ? null : parse(r.result),
    createdAt: String(r.created_at),
    startedAt: (r.started_at as string | null) ?? null,
    finishedAt: (r.finished_at as string | null) ?? null,
    createdBy: (r.created_by as string | null) ?? null,
  };
}

export function toStaffing(r: Row): StaffingRecord {
  return {
    id: String(r.id),
    planId: String(r.plan_id),
    planVersion: Number(r.plan_version),
    rosterDatasetId: String(r.roster_dataset_id),
    blobRef: String(r.blob_ref),
    createdAt: String(r.created_at),
    createdBy: (r.created_by as string | null) ?? null,
  };
}

export function toToken(r: Row): TokenRecord {
  return {
    id: String(r.id),
    role: r.role as TokenRecord['role'],
    label: String(r.label),
    hash: String(r.hash),
    createdAt: String(r.created_at),
    revokedAt: (r.revoked_at as string | null) ?? null,
  };
}
