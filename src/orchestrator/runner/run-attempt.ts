// One attempt = one or more tries of the claude CLI under Orch's single retry policy: the CLI
// is stopped at its first 429/529, and Orch decides whether, when and with which model to go on.

import { randomUUID } from 'node:crypto';
import type { FailureClass, NewEvent } from '../../protocol/events';
import type { AttemptOutcome } from '../../protocol/events';
import { DEFAULT_RETRY_POLICY, NEVER_RETRIED, type AttemptRequest, type RetryPolicy } from './attempt-request';
import { modelMatches } from './model-check';
import { runClaudeOnce, type TryResult } from './run-claude-once';

function retryable(failure: FailureClass | undefined, policy: RetryPolicy): boolean {
  return failure !== undefined && !NEVER_RETRIED.includes(failure) && policy.retryOn.includes(failure);
}

/** Exponential backoff with jitter, never shorter than the server's retry-after. */
export function retryDelayMs(policy: RetryPolicy, retryNumber: number, retryAfterSec: number | undefined): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  const jittered = Math.round(exp * (0.8 + Math.random() * 0.4));
  return Math.max(jittered, (retryAfterSec ?? 0) * 1000);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function statusOf(failure: FailureClass | undefined): number | undefined {
  return failure === 'rate-limited' ? 429 : failure === 'overloaded' ? 529 : undefined;
}

interface Totals {
  costUsd: number;
  estimated: boolean;
  inputTokens: number;
  outputTokens: number;
  tries: number;
}

function outcomeOf(last: TryResult, totals: Totals, startedAt: number, model: string, override?: { failure: FailureClass; message: string }): AttemptOutcome {
  const failure = override?.failure ?? last.failure;
  const baseMessage = override?.message ?? last.message;
  const message = baseMessage !== undefined && totals.tries > 1 ? `${baseMessage} (after ${totals.tries} tries)` : baseMessage;
  return {
    outcome: override === undefined ? last.outcome : 'failed',
    ...(failure === undefined ? {} : { failure }),
    ...(message === undefined ? {} : { message }),
    costUsd: totals.costUsd,
    costSource: totals.estimated ? 'estimated' : 'reported',
    ...(last.sessionId === undefined ? {} : { sessionId: last.sessionId }),
    ...(last.modelUsed === undefined ? {} : { modelUsed: last.modelUsed }),
    // The stream is the witness: a model other than the one asked for answered, so it did the work.
    modelOfRecord: last.modelUsed === undefined || modelMatches(model, last.modelUsed) ? model : last.modelUsed,
    inputTokens: totals.inputTokens,
    outputTokens: totals.outputTokens,
    durationMs: Date.now() - startedAt,
    ...(last.retryAfterSec === undefined ? {} : { retryAfterSec: last.retryAfterSec }),
  };
}

/** What the CLI says when `--resume` names a session it does not have. */
const SESSION_GONE = /No conversation found with session ID/;

const CONTINUE_PROMPT =
  'Your previous turn was cut short by a model API error before you finished. Continue the task from where you left off.';

export async function runAttempt(req: AttemptRequest, emit: (event: NewEvent) => void): Promise<AttemptOutcome> {
  const policy = req.retry ?? DEFAULT_RETRY_POLICY;
  const startedAt = Date.now();
  const totals: Totals = { costUsd: 0, estimated: false, inputTokens: 0, outputTokens: 0, tries: 0 };
  let model = req.model;
  let prompt = req.prompt;
  let resumeSessionId = req.resumeSessionId;
  const pace = policy.pace;
  let paced = 0;
  let previous: TryResult | undefined;
  let sessionGone = false;

  for (;;) {
    const ticket = await pace?.acquire(req.signal);
    if (pace !== undefined && ticket === undefined && previous !== undefined) {
      return outcomeOf(previous, totals, startedAt, model, { failure: 'cancelled', message: 'cancelled while waiting to retry' });
    }
    const remaining = req.maxBudgetUsd === undefined ? undefined : Math.max(0, req.maxBudgetUsd - totals.costUsd);
    totals.tries += 1;
    const last = await runClaudeOnce(
      req,
      {
        prompt,
        model,
        tryNumber: totals.tries,
        spentBeforeUsd: totals.costUsd,
        ...(resumeSessionId === undefined ? { sessionId: randomUUID() } : { resumeSessionId }),
        ...(remaining === undefined ? {} : { maxBudgetUsd: remaining }),
      },
      emit,
    );
    totals.costUsd += last.costUsd;
    totals.estimated ||= last.costSource === 'estimated';
    totals.inputTokens += last.inputTokens;
    totals.outputTokens += last.outputTokens;
    previous = last;
    // The CLI has no such session here (a workspace restored from a backup taken before the CLI
    // saved it, another machine, a cleared config folder): no model call was made, and nothing
    // is wrong with the work. The agent starts afresh with its whole brief, in this same attempt.
    if (resumeSessionId !== undefined && !sessionGone && last.outcome !== 'succeeded' && SESSION_GONE.test(last.message ?? '')) {
      sessionGone = true;
      emit({ type: 'attempt.activity', attemptId: req.attemptId, activity: { kind: 'warning', message: `the Claude session ${resumeSessionId} to continue is not on this machine: the agent starts afresh with its whole brief` } });
      resumeSessionId = undefined;
      prompt = req.freshPrompt ?? req.prompt;
      if (ticket !== undefined) pace?.done(ticket, true);
      continue;
    }
    // A 429 under the shared pace is the run's quota running dry, not this attempt failing:
    // it waits for the shared window and counts against its own, larger allowance.
    const pacedRetry = ticket !== undefined && last.failure === 'rate-limited';
    if (ticket !== undefined) {
      if (pacedRetry) pace?.limited(ticket, last.retryAfterSec);
      else pace?.done(ticket, last.outcome === 'succeeded');
    }
    if (pacedRetry) paced += 1;

    const retryNumber = totals.tries;
    const spent = pacedRetry ? paced > (policy.maxPacedRetries ?? DEFAULT_RETRY_POLICY.maxPacedRetries ?? 0) : retryNumber - paced - (sessionGone ? 1 : 0) > policy.maxRetries;
    if (last.outcome === 'succeeded' || !retryable(last.failure, policy) || spent) {
      return outcomeOf(last, totals, startedAt, model);
    }
    if (req.maxBudgetUsd !== undefined && totals.costUsd >= req.maxBudgetUsd) return outcomeOf(last, totals, startedAt, model);
    const decision = policy.onRetryableFailure === undefined ? { action: 'retry' as const } : await policy.onRetryableFailure(outcomeOf(last, totals, startedAt, model), retryNumber, model);
    if (decision.action === 'stop') return outcomeOf(last, totals, startedAt, model);
    // Paced, the wait is the shared window's (the pace honours the retry-after), not a back-off of its own.
    const delayMs = pacedRetry ? 0 : (decision.delayMs ?? retryDelayMs(policy, retryNumber, last.retryAfterSec));
    // A wait longer than the policy allows is the scheduler's call (e.g. pause), not ours.
    if (Math.max(delayMs, pacedRetry ? (last.retryAfterSec ?? 0) * 1000 : 0) > policy.maxDelayMs) return outcomeOf(last, totals, startedAt, model);
    const errorStatus = statusOf(last.failure);
    emit({
      type: 'attempt.activity',
      attemptId: req.attemptId,
      activity: { kind: 'retry', attempt: retryNumber, maxRetries: policy.maxRetries + paced, delayMs: pacedRetry ? (pace?.waitMs() ?? 0) : delayMs, ...(errorStatus === undefined ? {} : { errorStatus }) },
    });
    if (decision.model !== undefined && decision.model !== model) {
      emit({ type: 'attempt.activity', attemptId: req.attemptId, activity: { kind: 'warning', message: `retrying with model ${decision.model} instead of ${model} after: ${last.message ?? last.failure ?? 'a failure'}` } });
      model = decision.model;
    }
    if (!(await sleep(delayMs, req.signal))) {
      return outcomeOf(last, totals, startedAt, model, { failure: 'cancelled', message: 'cancelled while waiting to retry' });
    }
    // Keep the agent's context when the failed try had already done some work.
    if (last.progressed && last.sessionId !== undefined) {
      resumeSessionId = last.sessionId;
      prompt = CONTINUE_PROMPT;
    }
  }
}
