import { z } from 'zod';

/**
 * One finished attempt, with the features of its task, as the learning store keeps it: what
 * predictions of later runs draw on. Keyed by run and attempt, so writing a run's outcomes again
 * after a resume replaces them instead of counting them twice.
 */
export interface OutcomeRecord {
  readonly runId: string;
  readonly attemptId: string;
  /** Qualified task id, `PRD-3/T2`. */
  readonly taskId: string;
  readonly prdId: string;
  readonly milestoneId: string;
  readonly title: string;
  /** Stable across runs of the same roadmap: the task's id and title, hashed (task-features.ts). */
  readonly fingerprint: string;
  readonly phase: string;
  readonly agent: string;
  /** The model of record: the one that did the attempt's work. */
  readonly model: string;
  /** The router's complexity score, 0 to 1. */
  readonly complexity: number;
  /** The brief's estimated size in tokens, when the log has it. */
  readonly promptTokens?: number;
  /** 1 for the task's first attempt, 2 for its first rework, and so on. */
  readonly attempt: number;
  readonly durationMs: number;
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** The attempt itself ended without an error (its checks may still have failed). */
  readonly succeeded: boolean;
  /** Why it failed, when it did (`crashed` when Orch was killed under it). */
  readonly failure?: string;
  /** The task: verified on its first attempt, with no defect. */
  readonly firstPass: boolean;
  /** The task: times verification or a merge sent the work back. */
  readonly defects: number;
  /** How the task ended. */
  readonly taskState: 'verified' | 'blocked' | 'failed';
  readonly at: string;
}

export const outcomeRecord = z.object({
  runId: z.string(),
  attemptId: z.string(),
  taskId: z.string(),
  prdId: z.string(),
  milestoneId: z.string(),
  title: z.string(),
  fingerprint: z.string(),
  phase: z.string(),
  agent: z.string(),
  model: z.string(),
  complexity: z.number(),
  promptTokens: z.number().optional(),
  attempt: z.number(),
  durationMs: z.number(),
  costUsd: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  succeeded: z.boolean(),
  failure: z.string().optional(),
  firstPass: z.boolean(),
  defects: z.number(),
  taskState: z.enum(['verified', 'blocked', 'failed']),
  at: z.string(),
}) satisfies z.ZodType<OutcomeRecord>;
