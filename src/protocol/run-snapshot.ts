// The folded state of one run: what every view shows. Plain readonly data, rebuilt from the
// event log by `foldEvent`, so the core, the CLI, the tree view and the dashboard agree.

import type { Roadmap, RunState, TaskState } from './domain';
import type { RunAlert } from './fold-alerts';
import type { MessageSnapshot } from './fold-messages';
import type { Activity, CheckResult, FailureClass, FileLineCount, TaskSetupOutcome } from './events';
import type { DefectRecord, ReviewRecord } from './events-defects';
import type { LiveForecast } from './forecast';
import type { AdaptationKind } from './events-adapt';

export interface AttemptSnapshot {
  readonly id: string;
  readonly taskId: string;
  readonly agent: string;
  readonly model: string;
  readonly prompt: string;
  readonly resumeOf?: string;
  /** The brief's size, estimated when the attempt started (absent in older logs). */
  readonly promptTokens?: number;
  /** The worker that ran it, in a distributed run. */
  readonly worker?: string;
  readonly workerHost?: string;
  readonly state: 'running' | 'succeeded' | 'failed';
  readonly failure?: FailureClass;
  readonly message?: string;
  readonly sessionId?: string;
  readonly modelUsed?: string;
  /** The model that did the attempt's work (see `attemptModel`). */
  readonly modelOfRecord?: string;
  readonly costUsd: number;
  readonly costSource?: 'reported' | 'estimated';
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly activity: readonly Activity[];
  /** The model the attempt runs on now, when a fallback moved it off `model`. */
  readonly fellBackTo?: string;
  /** Each move to the next model of the chain, oldest first, with the reason it happened. */
  readonly fallbacks?: readonly FallbackStep[];
  /** Cost by the model that spent it, once known; only set when a fallback split the attempt. */
  readonly costByModel?: Readonly<Record<string, number>>;
}

export interface FallbackStep {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly at: string;
}

export interface TaskSnapshot {
  /** Qualified id, `PRD-3/T2`. */
  readonly id: string;
  readonly prdId: string;
  readonly milestoneId: string;
  readonly title: string;
  readonly state: TaskState;
  readonly agent?: string;
  readonly model?: string;
  readonly phase?: string;
  readonly depends: readonly string[];
  readonly attempts: readonly string[];
  readonly costUsd: number;
  readonly error?: string;
  readonly checks: readonly CheckResult[];
  /** Blocked by the machine (a check that could not run): a resume re-verifies the finished attempt instead of paying for a new one. */
  readonly environmentBlocked?: true;
  /** When it was last verified (the graphs' tasks-verified curve). */
  readonly verifiedAt?: string;
  /** Times verification or a merge sent the work back. */
  readonly defects: number;
  /** Why verification or a merge last sent the work back; kept after later errors replace `error`. */
  readonly lastDefect?: string;
  /** What the task's merge changed: its files, with line counts when the log has them. */
  readonly changes?: { readonly files: readonly string[]; readonly lines?: readonly FileLineCount[] };
  /** Attempts the limit does not count: those before the last requeue or deferral, and those Orch was killed under. */
  readonly attemptBase: number;
  /** The router's decision, once the task was dispatched. */
  readonly routing?: TaskRouting;
  /** How its worktree was last made ready (`worktree.setup`, `.worktreeinclude`), once it was. */
  readonly setup?: TaskSetup;
  /** Reviewers' verdicts on its attempts, oldest first. */
  readonly reviews?: readonly ReviewRecord[];
  /** Its agent asked the person (ask_person) and waits for `orch answer`: a state beside `state`, which stays `running`. */
  readonly needsInput?: { readonly messageId: string; readonly question: string; readonly at: string };
}

export interface TaskSetup {
  readonly command?: string;
  readonly outcome: TaskSetupOutcome;
  readonly durationMs: number;
  readonly evidencePath: string;
  readonly included: number;
  readonly detail?: string;
  readonly at: string;
  /** It ran while the task waited for a slot, off the task's critical path. */
  readonly ahead?: true;
}

export interface TaskRouting {
  readonly model: string;
  readonly source: 'pin' | 'router' | 'agent';
  readonly complexity: number;
  readonly reasons: readonly string[];
  readonly alternatives: readonly { readonly model: string; readonly expectedFirstPass: number; readonly expectedCostUsd: number }[];
}

export interface RunSnapshot {
  readonly runId: string;
  readonly state: RunState;
  readonly roadmapFile: string;
  readonly milestones: readonly string[];
  readonly roadmap?: Roadmap;
  readonly budgetUsd?: number;
  readonly costUsd: number;
  readonly pausedReason?: string;
  readonly tasks: Readonly<Record<string, TaskSnapshot>>;
  readonly taskOrder: readonly string[];
  readonly attempts: Readonly<Record<string, AttemptSnapshot>>;
  readonly warnings: readonly string[];
  readonly lastSeq: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  /** Alerts the run raised (newest last), with their delivery to the config's webhooks. */
  readonly alerts?: readonly RunAlert[];
  /** Defects by id (`D1`, ...), in the order they were found. */
  readonly defects?: Readonly<Record<string, DefectRecord>>;
  /** Messages between agents and the person, in the order they were sent (absent before the first). */
  readonly messages?: readonly MessageSnapshot[];
  /** The live forecast as it stands (absent before the engine made one). */
  readonly forecast?: LiveForecast;
  /** Earlier live forecasts, oldest first, bounded (fold-forecast.ts). */
  readonly forecasts?: readonly LiveForecast[];
  /** Workers of a distributed run by name (absent in a one-process run). */
  readonly workers?: Readonly<Record<string, WorkerSnapshot>>;
  /** The engine's adaptation decisions, newest last, bounded (fold-adapt.ts). */
  readonly adaptations?: readonly Adaptation[];
}

export interface Adaptation {
  readonly seq: number;
  readonly at: string;
  readonly kind: AdaptationKind;
  readonly reason: string;
  readonly taskId?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface WorkerSnapshot {
  readonly name: string;
  readonly host: string;
  readonly pid: number;
  readonly slots: number;
  readonly slotsInUse: number;
  readonly lastHeartbeatAt: string;
  readonly state: 'alive' | 'lost';
  readonly lostReason?: string;
}
