// What crosses Redis between the coordinator (`orch run --queue`) and its workers (`orch worker`):
// the job of one attempt, the reports a worker streams back, its heartbeat and the control
// messages. Redis is only the transport: the coordinator's event log stays the truth, so every
// value read back is validated here before it can reach the log.

import { z } from 'zod';
import { EVENT_TYPES, type NewEvent } from '../../protocol/events';
import type { AttemptOutcome, CheckResult } from '../../protocol/events';
import { checkGroupsSchema, evidencePackSchema, jobVerifySchema, type EvidencePack } from './check-report';

/** The BullMQ queue every attempt job goes to; its jobId is the attempt id, so enqueueing twice is a no-op. */
export const QUEUE_NAME = 'orch-attempts';

export const keys = {
  /** The run's report stream: one entry per report, in the order workers wrote them. */
  reports: (runId: string) => `orch:run:${runId}:reports`,
  /** Set when a run is cancelled: a worker that takes one of its jobs later drops it unrun. */
  cancelled: (runId: string) => `orch:run:${runId}:cancelled`,
  workers: 'orch:workers',
  heartbeat: (worker: string) => `orch:worker:${worker}`,
  /** Pub/sub channel of cancels, heard by every worker at once. */
  control: 'orch:control',
} as const;

export const queueJobSchema = z.object({
  runId: z.string().min(1),
  taskId: z.string().min(1),
  attemptId: z.string().min(1),
  systemPrompt: z.string(),
  prompt: z.string(),
  /** The whole brief, for a worker without the session `resumeSessionId` names (it ran elsewhere). */
  freshPrompt: z.string().optional(),
  model: z.string().min(1),
  allowedTools: z.array(z.string()),
  disallowedTools: z.array(z.string()).optional(),
  permissionMode: z.enum(['acceptEdits', 'default', 'bypassPermissions', 'plan']),
  outputPath: z.string().optional(),
  maxBudgetUsd: z.number().nonnegative().optional(),
  maxTurns: z.number().int().positive().optional(),
  timeoutSec: z.number().positive(),
  inactivityTimeoutSec: z.number().positive(),
  resumeSessionId: z.string().optional(),
  /** The workspace's `worktree.setup` command, run in the worker's worktree before the agent. */
  setup: z.string().optional(),
  setupTimeoutSec: z.number().positive().optional(),
  /** The git remote the coordinator published the code to (a bare repository path or URL). */
  remote: z.string().min(1),
  /** The commit the attempt starts from, under `refs/orch/start/<attemptId>` on the remote. */
  startCommit: z.string().regex(/^[0-9a-f]{40}$/),
  /** The task branch the worker pushes back, `orch/<run>/<task>`. */
  branch: z.string().min(1),
  /** The workspace's `.worktreeinclude` files: a commit under `refs/orch/include/<run>`, and the paths it holds. */
  include: z.object({ commit: z.string().regex(/^[0-9a-f]{40}$/), paths: z.array(z.string().min(1)).readonly() }).optional(),
  /** The task's checks, run by the worker after the attempt; absent, the coordinator runs them. */
  verify: jobVerifySchema.optional(),
});
export type QueueJob = z.infer<typeof queueJobSchema>;

export const heartbeatSchema = z.object({
  worker: z.string().min(1),
  host: z.string(),
  pid: z.number().int(),
  slots: z.number().int().positive(),
  slotsInUse: z.number().int().nonnegative(),
  heartbeatAt: z.string(),
  attempts: z.array(z.string()),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

export const controlSchema = z.object({ action: z.literal('cancel'), runId: z.string(), attemptId: z.string().optional() });
export type ControlMessage = z.infer<typeof controlSchema>;

const outcomeSchema = z.object({
  outcome: z.enum(['succeeded', 'failed']),
  failure: z.string().optional(),
  message: z.string().optional(),
  costUsd: z.number(),
  costSource: z.enum(['reported', 'estimated']),
  sessionId: z.string().optional(),
  modelUsed: z.string().optional(),
  modelOfRecord: z.string().optional(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  durationMs: z.number(),
  retryAfterSec: z.number().optional(),
});

/** A worker's report body, by kind: it took the job, an event of the attempt, or the attempt's end. */
export type ReportBody =
  | { readonly kind: 'placed'; readonly worker: string; readonly host: string; readonly jobId: string }
  | { readonly kind: 'event'; readonly event: NewEvent }
  | {
      readonly kind: 'end';
      readonly worker: string;
      readonly outcome: AttemptOutcome;
      readonly commit?: string;
      readonly ref?: string;
      /** The job's checks as the worker ran them, check by check; absent (an older worker, checks it could not run), the coordinator runs them. */
      readonly checks?: readonly (readonly CheckResult[])[];
      readonly evidence?: EvidencePack;
    };

const eventTypes = new Set<string>(EVENT_TYPES);
const reportSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('placed'), worker: z.string(), host: z.string(), jobId: z.string() }),
  z.object({ kind: z.literal('event'), event: z.looseObject({ type: z.string().refine((t) => eventTypes.has(t), 'an Orch event type') }) }),
  z.object({
    kind: z.literal('end'),
    worker: z.string(),
    outcome: outcomeSchema,
    commit: z.string().regex(/^[0-9a-f]{40}$/).optional(),
    ref: z.string().optional(),
    checks: checkGroupsSchema.optional(),
    evidence: evidencePackSchema.optional(),
  }),
]);

/** One stream entry: the attempt it belongs to and its place in that attempt's reports (1, 2, ...). */
export interface Report {
  readonly streamId: string;
  readonly attemptId: string;
  readonly seq: number;
  readonly body: ReportBody;
}

/** Stream fields as XADD takes them. */
export function reportFields(attemptId: string, seq: number, body: ReportBody): string[] {
  return ['a', attemptId, 'n', String(seq), 'b', JSON.stringify(body)];
}

/** Reads a stream entry back; an entry that does not parse says why instead of reaching the log. */
export function parseReport(streamId: string, fields: readonly string[]): Report | { readonly streamId: string; readonly error: string } {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const attemptId = map.get('a');
  const seq = Number(map.get('n'));
  if (attemptId === undefined || !Number.isInteger(seq) || seq < 1) return { streamId, error: 'no attempt id or sequence number' };
  let raw: unknown;
  try {
    raw = JSON.parse(map.get('b') ?? '');
  } catch {
    return { streamId, error: `report ${seq} of ${attemptId} is not JSON` };
  }
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) return { streamId, error: `report ${seq} of ${attemptId}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  return { streamId, attemptId, seq, body: parsed.data as ReportBody };
}
