/**
 * The API's request and response types, inferred from the same zod schemas that validate
 * requests and produce the OpenAPI document — so the map UI (and any TypeScript client)
 * type-checks against exactly what the server accepts and returns (`DatasetDto` and `JobDto`
 * sit in schemas.ts beside their schemas). Types only: importing
 * them pulls in no server code (`import type { JobDto } from '@beatplan/api'`).
 */
import type { z } from 'zod';
import type { AlternativeSetSchema, AlternativesComparisonSchema, AlternativesRequestSchema } from './routes/alternatives.js';
import type {
  ChangeCurveRequestSchema,
  ChangeCurveResultSchema,
  CopyPlanRequestSchema,
  RenamePlanRequestSchema,
} from './routes/plan-admin.js';
import type { ReferenceSchema } from './routes/reference.js';
import type {
  BeatMetricsSchema,
  CellsSchema,
  EditResultSchema,
  HealthSchema,
  IncidentBinsSchema,
  LockRequestSchema,
  MeetingPlaceSchema,
  MoveRequestSchema,
  PlanComparisonSchema,
  PlanMetricsSchema,
  PlanRequestSchema,
  PlanResponseSchema,
  PlanSchema,
  PlanVersionSchema,
  ProblemSchema,
  RebalanceRequestSchema,
  ResponseFiguresSchema,
  ResponseWhatIfRequestSchema,
  ResponseWhatIfSchema,
  SimulationResultSchema,
  SimulationRunSchema,
  StaffingResultSchema,
  StaffingRunSchema,
  StaffRequestSchema,
  TokenSchema,
  WhatIfRequestSchema,
  WhatIfResultSchema,
} from './schemas.js';

export type ProblemDto = z.infer<typeof ProblemSchema>;
export type PlanDto = z.infer<typeof PlanSchema>;
export type PlanVersionDto = z.infer<typeof PlanVersionSchema>;
export type PlanRequestDto = z.input<typeof PlanRequestSchema>;
export type CellsDto = z.infer<typeof CellsSchema>;
export type IncidentBinsDto = z.infer<typeof IncidentBinsSchema>;
export type MoveRequestDto = z.infer<typeof MoveRequestSchema>;
export type LockRequestDto = z.infer<typeof LockRequestSchema>;
export type EditResultDto = z.infer<typeof EditResultSchema>;
export type RebalanceRequestDto = z.input<typeof RebalanceRequestSchema>;
export type WhatIfRequestDto = z.input<typeof WhatIfRequestSchema>;
export type ResponseWhatIfRequestDto = z.input<typeof ResponseWhatIfRequestSchema>;
/** `metrics.json` of a plan version (`GET /plans/:id/metrics`, edit results, compare). */
export type PlanMetricsDto = z.infer<typeof PlanMetricsSchema>;
/** One beat of {@link PlanMetricsDto} (`perBeat`; also each beat feature's properties in `/beats`). */
export type BeatMetricsDto = z.infer<typeof BeatMetricsSchema>;
/** `GET /plans/:id/compare`. */
export type PlanComparisonDto = z.infer<typeof PlanComparisonSchema>;
/** Response figures (hypercube model) without the plan ids. */
export type ResponseFiguresDto = z.infer<typeof ResponseFiguresSchema>;
/** `GET /plans/:id/response`. */
export type PlanResponseDto = z.infer<typeof PlanResponseSchema>;
/** `POST /plans/:id/response/whatif` answer: the time model's figures and the what-if's. */
export type ResponseWhatIfDto = z.infer<typeof ResponseWhatIfSchema>;
/** `GET /plans/:id/staffing/:staffingId` (staffing.json). */
export type StaffingResultDto = z.infer<typeof StaffingResultSchema>;
/** `GET /plans/:id/whatif/:jobId`. */
export type WhatIfResultDto = z.infer<typeof WhatIfResultSchema>;
/** `GET /plans/:id/simulations/:jobId` (simulation.json). */
export type SimulationResultDto = z.infer<typeof SimulationResultSchema>;
/** One item of `GET /plans/:id/staffing`. */
export type StaffingRunDto = z.infer<typeof StaffingRunSchema>;
/** One item of `GET /plans/:id/simulations`. */
export type SimulationRunDto = z.infer<typeof SimulationRunSchema>;
/** `GET /plans/:id/reference`. */
export type ReferenceDto = z.infer<typeof ReferenceSchema>;
/** `POST /plans/:id/copy`. */
export type CopyPlanRequestDto = z.input<typeof CopyPlanRequestSchema>;
/** `PATCH /plans/:id`. */
export type RenamePlanRequestDto = z.input<typeof RenamePlanRequestSchema>;
/** `POST /plans/:id/change-curve`. */
export type ChangeCurveRequestDto = z.input<typeof ChangeCurveRequestSchema>;
/** `GET /plans/:id/change-curve/:jobId` (the change-curve job's result). */
export type ChangeCurveResultDto = z.infer<typeof ChangeCurveResultSchema>;
/** `GET /health`. */
export type HealthDto = z.infer<typeof HealthSchema>;
/** `POST /plans/:id/alternatives`. */
export type AlternativesRequestDto = z.input<typeof AlternativesRequestSchema>;
/** `POST /plans/:id/alternatives` (202), and each item of `GET /plans/:id/alternatives`. */
export type AlternativeSetDto = z.infer<typeof AlternativeSetSchema>;
/** `GET /plans/:id/alternatives/:setId`: one row per alternative, the Pareto set marked. */
export type AlternativesComparisonDto = z.infer<typeof AlternativesComparisonSchema>;
/** The body of every list: one page of items and the cursor of the next page (null on the last). */
export interface PageDto<T> {
  items: T[];
  next: string | null;
}
export type MeetingPlaceDto = z.infer<typeof MeetingPlaceSchema>;
export type StaffRequestDto = z.infer<typeof StaffRequestSchema>;
export type TokenDto = z.infer<typeof TokenSchema>;
