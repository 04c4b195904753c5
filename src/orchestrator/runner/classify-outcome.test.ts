import assert from 'node:assert/strict';
import { classifyRun, type RunFacts } from './classify-outcome';
import type { ResultLine } from './stream-messages';

const base: RunFacts = {
  claudePath: '/opt/claude',
  exitCode: 1,
  exitSignal: null,
  stderrTail: '',
  timeoutSec: 600,
  inactivityTimeoutSec: 120,
  elapsedMs: 1234,
};

function result(over: Partial<ResultLine>): ResultLine {
  return { subtype: 'success', isError: true, text: '', errors: [], inputTokens: 0, outputTokens: 0, models: [], ...over };
}

describe('classifyRun', () => {
  it('succeeds only on a success result without is_error', () => {
    assert.deepEqual(classifyRun({ ...base, exitCode: 0, result: result({ isError: false }) }), { outcome: 'succeeded' });
    assert.equal(classifyRun({ ...base, result: result({ text: 'API Error: 500 boom', apiErrorStatus: 500 }) }).failure, 'model-error');
  });

  it('maps API errors as the CLI 2.1.197 reports them', () => {
    const cases: [Partial<ResultLine>, string | undefined, string][] = [
      [{ apiErrorStatus: 429, text: 'API Error: Request rejected (429)' }, 'rate_limit', 'rate-limited'],
      [{ apiErrorStatus: 529, text: 'API Error: 529 Overloaded.' }, 'server_error', 'overloaded'],
      [{ text: 'Not logged in · Please run /login' }, 'authentication_failed', 'not-logged-in'],
      [{ apiErrorStatus: 401, text: 'Invalid API key · Fix external API key' }, 'authentication_failed', 'auth'],
      [{ apiErrorStatus: 403, text: 'Failed to authenticate. API Error: 403' }, 'authentication_failed', 'auth'],
      [{ apiErrorStatus: 400, text: 'Credit balance is too low' }, 'billing_error', 'spend-limit'],
      [{ apiErrorStatus: 404, text: "There's an issue with the selected model" }, 'model_not_found', 'model-error'],
      [{ text: 'API Error: Failed to parse JSON' }, 'unknown', 'model-error'],
      [{ subtype: 'error_max_turns', numTurns: 3 }, undefined, 'max-turns'],
      [{ subtype: 'error_max_budget_usd', errors: ['Reached maximum budget ($0.01)'], costUsd: 0.5 }, undefined, 'budget-exceeded'],
      [{ subtype: 'error_during_execution', errors: ['boom'] }, undefined, 'crashed'],
      [{ text: 'something odd' }, undefined, 'unknown'],
    ];
    for (const [r, apiError, expected] of cases) {
      const c = classifyRun({ ...base, result: result(r), ...(apiError === undefined ? {} : { apiError }) });
      assert.equal(c.failure, expected, JSON.stringify(r));
      assert.ok((c.message ?? '').length > 10, `a message for ${expected}`);
    }
  });

  it('puts our own reasons for stopping before whatever the stream said', () => {
    const withResult = { ...base, result: result({ isError: false }) };
    assert.equal(classifyRun({ ...withResult, stopCause: 'cancelled' }).message, "cancelled after 1.2 s; the agent's processes were stopped");
    assert.match(classifyRun({ ...base, stopCause: 'timeout' }).message ?? '', /600 s attempt timeout/);
    assert.match(classifyRun({ ...base, stopCause: 'inactivity' }).message ?? '', /no output for 120 s/);
  });

  it('turns a 429 the CLI wanted to retry into rate-limited with its retry-after, rounded up', () => {
    const c = classifyRun({ ...base, retrySignal: { attempt: 1, maxRetries: 1, delayMs: 6_200, errorStatus: 429 } });
    assert.deepEqual([c.failure, c.retryAfterSec], ['rate-limited', 7]);
    assert.equal(classifyRun({ ...base, retrySignal: { attempt: 1, maxRetries: 1, delayMs: 600, errorStatus: 529 } }).failure, 'overloaded');
  });

  it('calls an exit without a result a crash, with the signal or code and stderr', () => {
    assert.equal(
      classifyRun({ ...base, exitCode: null, exitSignal: 'SIGSEGV', stderrTail: 'segfault at 0\n' }).message,
      'the claude CLI was killed by SIGSEGV without a result line; stderr: "segfault at 0"',
    );
    assert.equal(classifyRun({ ...base, exitCode: 0 }).message, 'the claude CLI exited with code 0 without a result line');
  });

  it('names the path and the settings when the executable is missing or not executable', () => {
    assert.equal(
      classifyRun({ ...base, spawnError: { code: 'ENOENT', message: 'spawn ENOENT' } }).message,
      'the claude executable "/opt/claude" was not found; set --claude-path, ORCH_CLAUDE_PATH or claudePath in .orch/config.json',
    );
    assert.match(classifyRun({ ...base, spawnError: { code: 'EACCES', message: 'x' } }).message ?? '', /is not executable/);
  });
});
