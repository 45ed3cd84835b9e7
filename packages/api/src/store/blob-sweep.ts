/**
 * The orphan-blob sweep shared by the stores ({@link Store.sweepOrphanBlobs}): blobs that no row
 * names — left by versions of the API whose plan and job deletes did not delete their blobs — are
 * found and deleted, in the background of a running server.
 *
 * The sweep is a mark and a sweep. Mark: the set of refs the rows name, read once. Sweep: the
 * blobs stored (or claimed) longer than the grace period ago, in batches; those not in the mark
 * are deleted, each only while it is still older than the grace period (checked again at the
 * delete, in the same statement on Postgres, in the same synchronous step on SQLite).
 *
 * Why no blob a concurrent write is about to name is lost: a write names either a blob it has just
 * stored (younger than the grace period: never a candidate), a blob a row already named when the
 * mark was read (in the mark: kept), or a blob it stores under a ref derived from a job id, which
 * `putBlob(data, ref)` finds there from an earlier attempt — and that `putBlob` claims the blob
 * again (its time becomes now), so the delete's re-check skips it; when the sweep deleted it
 * first, `putBlob` finds no blob and writes it again.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Options of {@link Store.sweepOrphanBlobs}. */
export interface BlobSweepOptions {
  /**
   * A blob stored or claimed less than this long ago is never deleted (the time between storing
   * a blob and writing the row that names it is far shorter), ms. Default 1 hour.
   */
  graceMs?: number;
  /** Blobs examined per batch: one delete statement (Postgres) or synchronous step (SQLite). Default 500. */
  batchSize?: number;
  /** Stops the sweep between batches. */
  signal?: AbortSignal;
  /** Runs after the mark is read and before the first batch (tests of the race with a write). */
  afterMark?: () => Promise<void>;
}

/** What {@link Store.sweepOrphanBlobs} did. */
export interface BlobSweepReport {
  /** Distinct values the rows name as blob refs (the mark). */
  referenced: number;
  /** Blobs older than the grace period that were examined. */
  examined: number;
  /** Blobs deleted: older than the grace period at their delete and named by no row at the mark. */
  deleted: number;
  /** Total size of the deleted blobs, bytes. */
  deletedBytes: number;
  /** Whether the signal stopped the sweep before it examined every blob. */
  aborted: boolean;
  /** Wall time of the sweep, ms. */
  ms: number;
}

/** The store-specific steps of a sweep (see {@link sweepBlobs}). */
export interface BlobSweepSteps {
  /** Every blob ref some row names (the mark). */
  mark(): Promise<Set<string>>;
  /** The refs of the blobs older than `graceMs`, in batches of at most `batchSize`. */
  candidates(graceMs: number, batchSize: number): AsyncIterable<string[]>;
  /** Deletes those of `refs` still older than `graceMs`; returns how many and their bytes. */
  remove(refs: string[], graceMs: number): Promise<{ deleted: number; bytes: number }>;
}

/** Default grace period of {@link BlobSweepOptions.graceMs}, ms (1 hour). */
export const BLOB_SWEEP_GRACE_MS = 3_600_000;

/**
 * Runs a sweep with a store's steps: the mark, then per batch of candidates the delete of those
 * the mark does not hold, yielding to the event loop between batches.
 * @example return sweepBlobs({ mark, candidates, remove }, options); // in a store's sweepOrphanBlobs
 */
export async function sweepBlobs(steps: BlobSweepSteps, options: BlobSweepOptions = {}): Promise<BlobSweepReport> {
  const t0 = performance.now();
  const graceMs = options.graceMs ?? BLOB_SWEEP_GRACE_MS;
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const report: BlobSweepReport = { referenced: 0, examined: 0, deleted: 0, deletedBytes: 0, aborted: false, ms: 0 };
  await nextTurn(); // the caller's turn ends first (start-up goes on; SQLite's mark is synchronous)
  const referenced = await steps.mark();
  report.referenced = referenced.size;
  await options.afterMark?.();
  for await (const batch of steps.candidates(graceMs, batchSize)) {
    if (options.signal?.aborted) {
      report.aborted = true;
      break;
    }
    report.examined += batch.length;
    const orphans = batch.filter((ref) => !referenced.has(ref));
    if (orphans.length) {
      const { deleted, bytes } = await steps.remove(orphans, graceMs);
      report.deleted += deleted;
      report.deletedBytes += bytes;
    }
    await nextTurn();
  }
  report.ms = Math.round(performance.now() - t0);
  return report;
}
