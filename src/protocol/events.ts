// Everything that happens in a run is one of these events, appended to the run's log.
// Names are past tense: an event records a fact, never a wish. The log is the source of
// truth; every view (CLI status, tree, dashboard) folds it with `foldEvent`.

import type { Roadmap, RunState } from './domain';
import type { AlertDelivered, AlertDeliveryFailed } from './events-alerts';
import type { DefectEvent } from './events-defects';
import type { MessageEvent } from './events-messages';
import type { ConsultEvent } from './events-consult';
import type { BrowserEvidence } from './events-browsers';
import type { ForecastUpdated } from './events-forecast';
import type { WorkerEvent } from './events-workers';
import type { RunAdapted } from './events-adapt';

/** Fields every event carries; `seq` is 1-based and gap-free within a run. */
export interface EventEnvelope {
  readonly seq: number;
  readonly at: string;
  readonly runId: string;
}

export type FailureClass =
  | 'not-logged-in'
  | 'auth'
  | 'rate-limited'
  | 'overloaded'
  | 'spend-limit'
  | 'max-turns'
  | 'budget-exceeded'
  | 'timeout'
  | 'inactivity'
  | 'cancelled'
  | 'crashed'
  | 'binary-missing'
  | 'model-error'
  | 'unknown';

export type Activity =
  /** `warm`: the CLI was started while the task waited for a slot, and this attempt claimed it. */
  | { readonly kind: 'init'; readonly sessionId: string; readonly model: string; readonly tools: readonly string[]; readonly warm?: true }
  | { readonly kind: 'text'; readonly text: string; readonly truncated?: string }
  /** The model's reasoning before it answered; `redacted`: the API sent it encrypted, no text. */
  | { readonly kind: 'thinking'; readonly text: string; readonly redacted?: true; readonly truncated?: string }
  | {
      readonly kind: 'tool-call';
      readonly toolUseId: string;
      readonly name: string;
      readonly input: unknown;
      /** Long strings in `input` were cut; the whole input JSON is in this file. */
      readonly truncated?: string;
    }
  | {
      readonly kind: 'tool-result';
      readonly toolUseId: string;
      readonly isError: boolean;
      readonly text: string;
      readonly truncated?: string;
    }
  | { readonly kind: 'progress'; readonly percent: number; readonly note: string }
  | { readonly kind: 'evidence'; readonly evidenceKind: string; readonly value: string }
  | {
      readonly kind: 'retry';
      readonly attempt: number;
      readonly maxRetries: number;
      readonly delayMs: number;
      readonly errorStatus?: number;
    }
  | { readonly kind: 'warning'; readonly message: string };

export interface CheckResult {
  readonly check: string;
  readonly passed: boolean;
  readonly detail: string;
  readonly evidencePath?: string;
  /** The check could not run here (no browser to run it): it says nothing about the work. */
  readonly unavailable?: true;
  readonly browser?: BrowserEvidence;
}

type Body<T extends string, P> = EventEnvelope & { readonly type: T } & P;

export type RunStarted = Body<
  'run.started',
  { readonly roadmapFile: string; readonly milestones: readonly string[]; readonly budgetUsd?: number }
>;
export type PlanLoaded = Body<'plan.loaded', { readonly roadmap: Roadmap }>;
export type TaskAssigned = Body<
  'task.assigned',
  { readonly taskId: string; readonly agent: string; readonly model: string; readonly phase: string; readonly reason: string }
>;
export type AttemptStarted = Body<
  'attempt.started',
  {
    readonly taskId: string;
    readonly attemptId: string;
    readonly agent: string;
    readonly model: string;
    readonly prompt: string;
    readonly resumeOf?: string;
    /** The brief's size in tokens, estimated as its characters / 4. */
    readonly promptTokens?: number;
  }
>;
export type AttemptActivity = Body<
  'attempt.activity',
  { readonly attemptId: string; readonly activity: Activity }
>;
/** How an attempt ended: what the runner returns and `attempt.finished` records. */
export interface AttemptOutcome {
  readonly outcome: 'succeeded' | 'failed';
  readonly failure?: FailureClass;
  readonly message?: string;
  readonly costUsd: number;
  readonly costSource: 'reported' | 'estimated';
  readonly sessionId?: string;
  readonly modelUsed?: string;
  /** The model that did the attempt's work, as Orch names it: the one its last try ran on, unless the stream named another. */
  readonly modelOfRecord?: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly durationMs: number;
  readonly retryAfterSec?: number;
}

export type AttemptFinished = Body<
  'attempt.finished',
  {
    readonly attemptId: string;
    /** Closed on resume: Orch itself stopped (kill -9, a crash) while it ran, so it costs the task no attempt. */
    readonly interrupted?: true;
  } & AttemptOutcome
>;
export type ModelMismatched = Body<
  'model.mismatched',
  { readonly attemptId: string; readonly requested: string; readonly used: string }
>;
/** The router's choice for a task, with its reasons: the dashboard's "why this model". */
export type ModelRouted = Body<
  'model.routed',
  {
    readonly taskId: string;
    readonly model: string;
    readonly source: 'pin' | 'router' | 'agent';
    readonly complexity: number;
    readonly reasons: readonly string[];
    readonly alternatives: readonly { readonly model: string; readonly expectedFirstPass: number; readonly expectedCostUsd: number }[];
  }
>;
/** An attempt moved to the next model of its chain; `costUsdBefore` is what the tries on `from` cost. */
export type ModelFellBack = Body<
  'model.fellBack',
  {
    readonly taskId: string;
    readonly attemptId: string;
    readonly from: string;
    readonly to: string;
    readonly reason: string;
    readonly costUsdBefore: number;
  }
>;
/** The budget left cannot cover the task's next attempt: it waits (pending) for a resume with more. */
export type TaskDeferred = Body<'task.deferred', { readonly taskId: string; readonly reason: string }>;
export type TaskVerifying = Body<'task.verifying', { readonly taskId: string }>;
export type TaskVerified = Body<
  'task.verified',
  { readonly taskId: string; readonly checks: readonly CheckResult[]; readonly basis: string }
>;
export type TaskFailed = Body<
  'task.failed',
  { readonly taskId: string; readonly reason: string; readonly checks: readonly CheckResult[] }
>;
/** Verification (or a merge) rejected an attempt's work: the task goes back for rework. */
export type DefectRaised = Body<
  'defect.raised',
  { readonly taskId: string; readonly attemptId: string; readonly reason: string; readonly checks: readonly CheckResult[] }
>;
/** A changed file's added and removed lines, as `git diff --numstat` counts them; null for a binary file. */
export interface FileLineCount {
  readonly file: string;
  readonly added: number | null;
  readonly removed: number | null;
}
/** `lines` is absent in logs written before Orch counted lines. */
export type TaskMerged = Body<
  'task.merged',
  { readonly taskId: string; readonly branch: string; readonly files: readonly string[]; readonly lines?: readonly FileLineCount[] }
>;
/**
 * `environment`: the machine, not the work, stopped the task (a check that could not run, a
 * failed setup); once that is fixed a resume redoes what was blocked, without a new attempt
 * when the last one had finished. `checks`: the results that showed it.
 */
export type TaskBlocked = Body<
  'task.blocked',
  { readonly taskId: string; readonly reason: string; readonly environment?: true; readonly checks?: readonly CheckResult[] }
>;
/** A resume gives a failed or blocked task a fresh set of attempts. */
export type TaskRequeued = Body<'task.requeued', { readonly taskId: string; readonly reason: string }>;
/** The planner wrote a PRD for a milestone that had none; it joins the run's plan. */
export type MilestonePlanned = Body<
  'milestone.planned',
  { readonly milestoneId: string; readonly prdId: string; readonly file: string; readonly tasks: number }
>;
export type TaskCancelled = Body<'task.cancelled', { readonly taskId: string }>;
export type RunPaused = Body<'run.paused', { readonly reason: 'budget' | 'user'; readonly message: string }>;
export type RunResumed = Body<'run.resumed', { readonly budgetUsd?: number }>;
export type RunFinished = Body<
  'run.finished',
  { readonly state: Extract<RunState, 'completed' | 'failed' | 'cancelled'> }
>;
/**
 * A new task worktree was made ready before its agent: `.worktreeinclude` files copied, the
 * config's `worktree.setup` command run (or its installed dependencies copied from the cache:
 * `reused`). Evidence of both is in `evidencePath`. A `failed` setup blocks the task.
 */
export type TaskSetupFinished = Body<
  'task.setup.finished',
  {
    readonly taskId: string;
    /** Absent when only `.worktreeinclude` files were copied. */
    readonly command?: string;
    readonly outcome: TaskSetupOutcome;
    readonly durationMs: number;
    readonly evidencePath: string;
    /** Paths copied from the main workspace by `.worktreeinclude`. */
    readonly included: number;
    readonly detail?: string;
    /** It ran while the task waited for a slot (preparation ahead), not at its dispatch. */
    readonly ahead?: true;
  }
>;
export type TaskSetupOutcome = 'succeeded' | 'failed' | 'reused' | 'cancelled';
export type WarningRaised = Body<'warning.raised', { readonly message: string; readonly taskId?: string }>;

export type OrchEvent =
  | RunStarted
  | PlanLoaded
  | TaskAssigned
  | AttemptStarted
  | AttemptActivity
  | AttemptFinished
  | ModelMismatched
  | ModelRouted
  | ModelFellBack
  | TaskDeferred
  | TaskVerifying
  | TaskVerified
  | TaskFailed
  | DefectRaised
  | TaskMerged
  | TaskBlocked
  | TaskCancelled
  | MilestonePlanned
  | TaskRequeued
  | TaskSetupFinished
  | RunPaused
  | RunResumed
  | RunFinished
  | WarningRaised
  | AlertDelivered | AlertDeliveryFailed
  | DefectEvent
  | MessageEvent | ConsultEvent
  | ForecastUpdated
  | WorkerEvent
  | RunAdapted;

export type OrchEventType = OrchEvent['type'];

/** An event as a producer hands it to the log: the log assigns the envelope. */
export type NewEvent = OrchEvent extends infer E
  ? E extends OrchEvent
    ? Omit<E, keyof EventEnvelope>
    : never
  : never;

/**
 * Every event type, once. A record keyed by the union makes the compiler refuse a new event type
 * left out here (readers would call its log corrupt) and a name that is no event type.
 */
const EVENT_TYPE_SET: { readonly [T in OrchEventType]: true } = {
  'run.started': true,
  'plan.loaded': true,
  'task.assigned': true,
  'attempt.started': true,
  'attempt.activity': true,
  'attempt.finished': true,
  'model.mismatched': true,
  'model.routed': true,
  'model.fellBack': true,
  'task.deferred': true,
  'task.verifying': true,
  'task.verified': true,
  'task.failed': true,
  'defect.raised': true,
  'task.merged': true,
  'task.blocked': true,
  'task.cancelled': true,
  'milestone.planned': true,
  'task.requeued': true,
  'task.setup.finished': true,
  'run.paused': true,
  'run.resumed': true,
  'run.finished': true,
  'warning.raised': true,
  'alert.delivered': true, 'alert.deliveryFailed': true,
  'review.finished': true, 'defect.opened': true, 'defect.recurred': true, 'defect.escalated': true, 'defect.reassigned': true, 'defect.closed': true,
  'message.sent': true,
  'message.delivered': true,
  'message.read': true,
  'message.returned': true,
  'consult.started': true, 'consult.finished': true,
  'forecast.updated': true,
  'worker.seen': true, 'worker.lost': true, 'attempt.placed': true,
  'run.adapted': true,
};

export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as readonly OrchEventType[];

