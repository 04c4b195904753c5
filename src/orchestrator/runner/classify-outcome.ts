// Turns what one CLI run left behind (its result line, exit, our own reason for stopping it)
// into success or one failure class with a message a user can act on.

import type { FailureClass } from '../../protocol/events';
import type { ApiRetryLine, ResultLine } from './stream-messages';

export type StopCause = 'timeout' | 'inactivity' | 'cancelled' | 'budget';

export interface RunFacts {
  readonly claudePath: string;
  readonly spawnError?: { readonly code?: string; readonly message: string };
  readonly stopCause?: StopCause;
  /** Why the spend watch stopped the run (with `stopCause: 'budget'`). */
  readonly budgetStop?: string;
  /** A 429/529 the CLI was about to retry by itself: Orch stopped it to decide instead. */
  readonly retrySignal?: ApiRetryLine;
  readonly result?: ResultLine;
  /** The `error` code of the CLI's synthetic error message (`rate_limit`, `billing_error`...). */
  readonly apiError?: string;
  readonly exitCode: number | null;
  readonly exitSignal: string | null;
  readonly stderrTail: string;
  readonly timeoutSec: number;
  readonly inactivityTimeoutSec: number;
  readonly elapsedMs: number;
}

export interface Classified {
  readonly outcome: 'succeeded' | 'failed';
  readonly failure?: FailureClass;
  readonly message?: string;
  readonly retryAfterSec?: number;
}

function fail(failure: FailureClass, message: string, retryAfterSec?: number): Classified {
  return { outcome: 'failed', failure, message, ...(retryAfterSec === undefined ? {} : { retryAfterSec }) };
}

function quote(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > 300 ? `"${t.slice(0, 300)}…"` : `"${t}"`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function fromRetrySignal(r: ApiRetryLine): Classified {
  const after = Math.max(1, Math.ceil(r.delayMs / 1000));
  return r.errorStatus === 429
    ? fail('rate-limited', `rate limited by the model API (429); it asked to wait ${after} s`, after)
    : fail('overloaded', `the model API is overloaded (${r.errorStatus ?? 529})`);
}

function fromErrorResult(r: ResultLine, apiError: string | undefined): Classified {
  const status = r.apiErrorStatus;
  const said = quote(r.text || r.errors.join('; '));
  if (status === 429 || apiError === 'rate_limit') return fail('rate-limited', `rate limited by the model API (429): ${said}`);
  if (status === 529 || /overloaded/i.test(r.text)) return fail('overloaded', `the model API is overloaded (${status ?? 529}): ${said}`);
  if (/not logged in/i.test(r.text)) {
    return fail('not-logged-in', `the claude CLI has no credentials (set ANTHROPIC_API_KEY or run \`claude /login\`); it said ${said}`);
  }
  if (status === 401 || status === 403 || apiError === 'authentication_failed') {
    return fail('auth', `the model API refused the credentials (${status ?? 'auth'}): ${said}`);
  }
  if (apiError === 'billing_error' || /credit balance|spend(ing)? limit|billing/i.test(r.text)) {
    return fail('spend-limit', `the account's spend limit or credit is exhausted: ${said}`);
  }
  if (r.subtype === 'error_during_execution') return fail('crashed', `the claude CLI failed during execution: ${said}`);
  if (status !== undefined || apiError !== undefined || /api error/i.test(r.text)) {
    return fail('model-error', `the model API failed${status === undefined ? '' : ` (${status})`}: ${said}`);
  }
  return fail('unknown', `the run ended in an error (${r.subtype || 'no subtype'}): ${said}`);
}

export function classifyRun(f: RunFacts): Classified {
  if (f.spawnError !== undefined) {
    const { code, message } = f.spawnError;
    const why = code === 'ENOENT' ? 'was not found' : code === 'EACCES' ? 'is not executable' : `could not be started (${message})`;
    return fail(
      'binary-missing',
      `the claude executable "${f.claudePath}" ${why}; set --claude-path, ORCH_CLAUDE_PATH or claudePath in .orch/config.json`,
    );
  }
  if (f.stopCause === 'cancelled') return fail('cancelled', `cancelled after ${seconds(f.elapsedMs)}; the agent's processes were stopped`);
  if (f.stopCause === 'budget') return fail('budget-exceeded', `stopped mid-turn after ${seconds(f.elapsedMs)}: ${f.budgetStop ?? 'a budget would be crossed'}`);
  if (f.stopCause === 'timeout') {
    return fail('timeout', `no result within the ${f.timeoutSec} s attempt timeout; the agent's processes were stopped`);
  }
  if (f.stopCause === 'inactivity') {
    return fail('inactivity', `no output for ${f.inactivityTimeoutSec} s (inactivity timeout); the agent's processes were stopped`);
  }
  if (f.retrySignal !== undefined) return fromRetrySignal(f.retrySignal);
  const r = f.result;
  if (r === undefined) {
    const how = f.exitSignal !== null ? `was killed by ${f.exitSignal}` : `exited with code ${String(f.exitCode)}`;
    const stderr = f.stderrTail.trim() === '' ? '' : `; stderr: ${quote(f.stderrTail.slice(-500))}`;
    return fail('crashed', `the claude CLI ${how} without a result line${stderr}`);
  }
  if (r.subtype === 'success' && !r.isError) return { outcome: 'succeeded' };
  if (r.subtype === 'error_max_turns') return fail('max-turns', `stopped at the turn limit after ${r.numTurns ?? '?'} turns`);
  if (r.subtype === 'error_max_budget_usd') {
    return fail('budget-exceeded', `stopped at the attempt budget: ${r.errors.join('; ') || 'maximum budget reached'} (spent $${(r.costUsd ?? 0).toFixed(4)})`);
  }
  return fromErrorResult(r, f.apiError);
}
