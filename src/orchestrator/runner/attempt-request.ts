// The runner's contract with the workflow engine: one request in, one outcome out, activity
// events in between. The caller emits attempt.started/attempt.finished around it.

import type { SpendMoment, TurnUsage } from './stream-spend';
import type { AttemptOutcome, FailureClass } from '../../protocol/events';
import type { SubmissionHandlers } from './mcp/submission-endpoint';
import type { MessagingPort } from './mcp/message-tools';
import type { VerifyCheck } from '../../protocol/domain';
import type { BrowserEngine } from '../../protocol/browser-check';
import type { WarmStarts } from './warm-starts';

export type PermissionMode = 'acceptEdits' | 'default' | 'bypassPermissions' | 'plan';

export interface AttemptRequest {
  readonly attemptId: string;
  readonly taskId: string;
  /** The agent's prompt, appended to Claude Code's own system prompt (keeps its tool guidance). */
  readonly systemPrompt: string;
  /** The task prompt, or the follow-up when resuming; sent on stdin, so any length works. */
  readonly prompt: string;
  /** An alias (`opus`, `sonnet`, `haiku`) or a full model id. */
  readonly model: string;
  readonly allowedTools: readonly string[];
  readonly disallowedTools?: readonly string[];
  readonly permissionMode: PermissionMode;
  readonly cwd: string;
  /** Where a text-only (OpenAI-routed) agent's answer is written, relative to `cwd`: the task's `output`. */
  readonly outputPath?: string;
  /** The whole environment of the agent (the caller passes process.env through if it wants). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly claudePath: string;
  /** Where long outputs, the raw stream and stderr are kept; shared by a run's attempts. */
  readonly artifactsDir: string;
  readonly maxBudgetUsd?: number;
  readonly maxTurns?: number;
  readonly timeoutSec: number;
  readonly inactivityTimeoutSec: number;
  /** Rework: resume this Claude session with `prompt` as the follow-up. */
  readonly resumeSessionId?: string;
  /** The prompt for a fresh session (the whole brief), when the session to resume is not there. Default `prompt`. */
  readonly freshPrompt?: string;
  readonly retry?: RetryPolicy;
  readonly signal?: AbortSignal;
  /** Give the agent Orch's MCP tools (report_progress, attach_evidence, report_no_change). Default true. */
  readonly orchTools?: boolean;
  /** Submission tools for this attempt only (the planner's submit_prd), each with Orch's validation. */
  readonly submissions?: SubmissionHandlers;
  /** The run's messages for this attempt: its messaging tools and live delivery. */
  readonly messaging?: MessagingPort;
  /** Text longer than this in an event is cut, the whole kept in a file. Default 4,000. */
  readonly maxEventChars?: number;
  /** SIGTERM, then SIGKILL after this long. Default 3,000 ms. */
  readonly killGraceMs?: number;
  /** With messaging, stdin ends when the CLI writes nothing this long after its prompt. Default 30,000 ms. */
  readonly silenceMs?: number;
  /** Asked as the stream reports spend: a reason stops the try at once, mid-turn (`budget-exceeded`). */
  readonly spendWatch?: SpendWatch;
  /** Git work in the task's repository that must not overlap a worktree being added or removed (a remote attempt's fetch). */
  readonly betweenWorktreeChanges?: <T>(step: () => Promise<T>) => Promise<T>;
  /** What the work will be verified against: a runner on another machine (a queue worker) runs the checks there. */
  readonly verify?: AttemptVerify;
  /** CLIs started while their tasks waited for a slot: the first try claims its own if it is exactly its spawn. */
  readonly warmStarts?: Pick<WarmStarts, 'claim'>;
}

/** The task's checks and how a verification round runs them, as plain data a job can carry. */
export interface AttemptVerify {
  readonly checks: readonly VerifyCheck[];
  /** Evidence file names start with it: `<prefix>-check<n>.log`, the same wherever the checks run. */
  readonly evidencePrefix: string;
  readonly defaultCommandTimeoutSec: number;
  readonly chromiumPath?: string;
  readonly browsers?: readonly BrowserEngine[];
  /** The config's `redact`: variables, besides credential-looking ones, kept out of evidence. */
  readonly redactNames: readonly string[];
}

/** A running try's spend as the stream tells it, turn by turn. */
export interface SpendReport {
  /** The model this try runs on (after any fallback). */
  readonly model: string;
  /** What this attempt's earlier tries cost. */
  readonly earlierTriesUsd: number;
  readonly turns: readonly TurnUsage[];
  readonly moment: SpendMoment;
}

export type SpendWatch = (report: SpendReport) => string | undefined;

/** What the hook may decide after a retryable failure: model fallback plugs in here. */
export type RetryDecision =
  | { readonly action: 'retry'; readonly model?: string; readonly delayMs?: number }
  | { readonly action: 'stop' };

export interface RetryPolicy {
  /** Tries after the first one. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  /** A longer wait (e.g. a retry-after of an hour) ends the attempt instead: the scheduler decides. */
  readonly maxDelayMs: number;
  readonly retryOn: readonly FailureClass[];
  readonly onRetryableFailure?: (failure: AttemptOutcome, retryNumber: number, model: string) => RetryDecision | Promise<RetryDecision>;
  /**
   * The run's shared request pace: every try waits for it, and a 429 retry waits for its
   * window instead of backing off alone. Such retries do not use up `maxRetries` (up to
   * `maxPacedRetries`): an attempt must not fail because a quota it shares ran dry.
   */
  readonly pace?: RequestPace;
  readonly maxPacedRetries?: number;
}

/** What the pace handed a try: when it was let through. */
export interface PaceTicket {
  readonly grantedAt: number;
}

export interface RequestPace {
  /** Resolves when the try may start; undefined when the signal stopped the wait. */
  acquire(signal: AbortSignal | undefined): Promise<PaceTicket | undefined>;
  /** The try met a 429 that asked to wait `retryAfterSec`. */
  limited(ticket: PaceTicket, retryAfterSec: number | undefined): void;
  /** The try ended otherwise; `ok` when it got its answers. */
  done(ticket: PaceTicket, ok: boolean): void;
  /** What a try asking now would wait, in ms. */
  waitMs(): number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  maxPacedRetries: 12,
  baseDelayMs: 2_000,
  maxDelayMs: 120_000,
  retryOn: ['overloaded', 'rate-limited'],
};

/** Never retried whatever a policy says: trying again cannot fix them and may cost money. */
export const NEVER_RETRIED: readonly FailureClass[] = ['not-logged-in', 'auth', 'spend-limit', 'budget-exceeded', 'cancelled', 'binary-missing'];
