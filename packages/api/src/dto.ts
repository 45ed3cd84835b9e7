/**
 * The API's request and response types, inferred from the same zod schemas that validate
 * requests and produce the OpenAPI document — so the map UI (and any TypeScript client)
 * type-checks against exactly what the server accepts and returns (`DatasetDto` and `JobDto`
 * sit in schemas.ts beside their schemas). Types only: importing
 * them pulls in no server code (`import type { JobDto } from '@beatplan/api'`).
 */
import type { z } from 'zod';
import type {
  CellsInBboxSchema,
  CellsSchema,
  EditResultSchema,
  IncidentBinsSchema,
  LockRequestSchema,
  MeetingPlaceSchema,
  MoveRequestSchema,
  PlanRequestSchema,
  PlanSchema,
  PlanVersionSchema,
  ProblemSchema,
  RebalanceRequestSchema,
  ResponseWhatIfRequestSchema,
  StaffRequestSchema,
  TokenSchema,
  WhatIfRequestSchema,
} from './schemas.js';

export type ProblemDto = z.infer<typeof ProblemSchema>;
export type PlanDto = z.infer<typeof PlanSchema>;
export type PlanVersionDto = z.infer<typeof PlanVersionSchema>;
export type PlanRequestDto = z.input<typeof PlanRequestSchema>;
export type CellsInBboxDto = z.infer<typeof CellsInBboxSchema>;
export type CellsDto = z.infer<typeof CellsSchema>;
export type IncidentBinsDto = z.infer<typeof IncidentBinsSchema>;
export type MoveRequestDto = z.infer<typeof MoveRequestSchema>;
export type LockRequestDto = z.infer<typeof LockRequestSchema>;
export type EditResultDto = z.infer<typeof EditResultSchema>;
export type RebalanceRequestDto = z.input<typeof RebalanceRequestSchema>;
export type WhatIfRequestDto = z.input<typeof WhatIfRequestSchema>;
export type ResponseWhatIfRequestDto = z.input<typeof ResponseWhatIfRequestSchema>;
/** `POST /plans/:id/response/whatif` answer: the time model's figures and the what-if's. */
export interface ResponseWhatIfDto {
  planId: string;
  version: number;
  before: import('./engine-service.js').ResponseFiguresDto;
  after: import('./engine-service.js').ResponseFiguresDto;
}
export type MeetingPlaceDto = z.infer<typeof MeetingPlaceSchema>;
export type StaffRequestDto = z.infer<typeof StaffRequestSchema>;
export type TokenDto = z.infer<typeof TokenSchema>;
