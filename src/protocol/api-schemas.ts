// The /api/v1 request and response shapes as zod schemas: the server parses requests with them and
// serves them as the OpenAPI document's JSON Schemas. The snapshot and the events are the fold's
// and the log's own types; their schemas pin the fields a client keys on and let the rest through,
// so a new optional field in a snapshot is not a breaking API change.

import { z } from 'zod';
import { RUN_ID_PATTERN } from './dashboard-messages';

const RUN_STATES = ['running', 'paused', 'completed', 'failed', 'cancelled'] as const;
const TASK_STATES = ['pending', 'running', 'verifying', 'verified', 'failed', 'blocked', 'cancelled'] as const;

/** The one error shape of every route, any status. */
export const apiErrorSchema = z.strictObject({ ok: z.literal(false), error: z.string().describe('what went wrong, and where when there is a file') }).meta({ id: 'Error' });

export function okReply<T extends z.ZodType>(value: T) {
  return z.strictObject({ ok: z.literal(true), value });
}

export const healthSchema = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Health' });

export const runSummarySchema = z
  .strictObject({
    runId: z.string(),
    state: z.enum(RUN_STATES),
    roadmapFile: z.string(),
    startedAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'RunSummary' });

const taskSnapshotSchema = z.looseObject({
  id: z.string(),
  prdId: z.string(),
  title: z.string(),
  // Other states may be added (a task waiting for an answer): a client shows what it does not know.
  state: z.string().describe(`one of ${TASK_STATES.join(', ')} (more may come)`),
  attempts: z.array(z.string()),
  costUsd: z.number(),
});

const attemptSnapshotSchema = z.looseObject({
  id: z.string(),
  taskId: z.string(),
  agent: z.string(),
  model: z.string(),
  state: z.enum(['running', 'succeeded', 'failed']),
  costUsd: z.number(),
  activity: z.array(z.looseObject({ kind: z.string() })),
});

export const runSnapshotSchema = z
  .looseObject({
    runId: z.string(),
    state: z.enum(RUN_STATES),
    roadmapFile: z.string(),
    milestones: z.array(z.string()),
    costUsd: z.number(),
    tasks: z.record(z.string(), taskSnapshotSchema),
    taskOrder: z.array(z.string()),
    attempts: z.record(z.string(), attemptSnapshotSchema),
    warnings: z.array(z.string()),
    lastSeq: z.number().int(),
    startedAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'RunSnapshot' });

const eventSchema = z.looseObject({ seq: z.number().int().min(1), at: z.string(), runId: z.string(), type: z.string() }).meta({ id: 'Event' });

export const runEventsSchema = z.strictObject({ lastSeq: z.number().int(), events: z.array(eventSchema) }).meta({ id: 'RunEvents' });

export const runEventsQuerySchema = z.object({
  after: z.string().regex(/^\d{1,15}$/).optional().describe('the last seq the client has; default 0'),
  limit: z.string().regex(/^\d{1,15}$/).optional().describe('at most this many events (at most 5000)'),
});

const agentSummarySchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  model: z.string(),
  provider: z.string(),
  tools: z.array(z.string()).nullable(),
  team: z.string().nullable(),
  phases: z.array(z.string()),
  source: z.string(),
});

export const agentsSchema = z
  .looseObject({
    agents: z.array(agentSummarySchema),
    invalid: z.array(z.strictObject({ file: z.string(), line: z.number().int(), message: z.string() })),
  })
  .meta({ id: 'Agents' });

export const controlReplySchema = z.strictObject({ action: z.enum(['pause', 'resume']), pid: z.number().int() }).meta({ id: 'ControlReply' });

export const cancelReplySchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('signalled'), pid: z.number().int() }),
    z.strictObject({ kind: z.literal('cancelled'), killed: z.array(z.number().int()) }),
    z.strictObject({ kind: z.literal('already-finished'), state: z.string() }),
  ])
  .meta({ id: 'CancelReply' });

export const reassignDefectRequestSchema = z
  .strictObject({
    agent: z.string().min(1).max(128).describe('the agent to own the defect, by its registry name'),
    model: z.string().min(1).max(128).optional().describe('the model its rework runs on; by default the one the task is routed to'),
  })
  .meta({ id: 'ReassignDefectRequest' });

export type ReassignDefectRequest = z.infer<typeof reassignDefectRequestSchema>;

export const reassignDefectReplySchema = z
  .strictObject({
    runId: z.string(),
    defectId: z.string(),
    taskId: z.string(),
    agent: z.string(),
    model: z.string().optional(),
    pid: z.number().int().optional().describe('the orch process that records it before the next attempt; absent: orch resume will'),
  })
  .meta({ id: 'ReassignDefectReply' });

export const startRunRequestSchema = z
  .strictObject({
    roadmap: z.string().min(1).max(4096).describe('the roadmap file, a path inside the workspace'),
    milestones: z.array(z.string().min(1).max(64)).max(256).optional(),
    budgetUsd: z.number().positive().optional(),
    parallel: z.number().int().min(1).max(256).optional(),
  })
  .meta({ id: 'StartRunRequest' });

export type StartRunRequest = z.infer<typeof startRunRequestSchema>;

export const startRunReplySchema = z
  .strictObject({
    runId: z.string().regex(RUN_ID_PATTERN),
    pid: z.number().int().describe('the orch process running it'),
    log: z.string().describe("that process's output, a file in the workspace"),
  })
  .meta({ id: 'StartRunReply' });

export const openApiDocumentSchema = z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }).meta({ id: 'OpenApiDocument' });

export const historyQuerySchema = z.object({
  roadmap: z.string().min(1).max(4096).optional().describe("the roadmap file as the run index names it (a run snapshot's roadmapFile); default: the newest run's"),
});

const historyPointSchema = z
  .strictObject({
    runId: z.string(),
    state: z.enum(RUN_STATES),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    wallMs: z.number().min(0),
    costUsd: z.number(),
    tasks: z.number().int(),
    verified: z.number().int(),
    defects: z.number().int(),
    costPerVerifiedUsd: z.number().nullable(),
    defectsPerTask: z.number().nullable(),
  })
  .meta({ id: 'RunHistoryPoint' });

export const runHistorySchema = z.strictObject({ roadmapFile: z.string(), runs: z.array(historyPointSchema) }).meta({ id: 'RunHistory' });
