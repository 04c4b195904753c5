import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttemptOutcome } from '../../src/protocol/events';
import type { RetryPolicy } from '../../src/orchestrator/runner/attempt-request';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';
import { RequestPacer } from '../../src/orchestrator/adapt/request-pacer';
import { systemClock } from '../../src/orchestrator/ports';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import { authFailed, finish, overloaded, rateLimited, steps, times, writeFile, writeTool } from '../../src/scripted-model/scenarios';
import { collector, useRunnerSandbox } from '../support/runner-harness';

const POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 50, maxDelayMs: 5_000, retryOn: ['overloaded', 'rate-limited'] };

describe('runner: retries owned by Orch', () => {
  const box = useRunnerSandbox();
  let server: ScriptedModelServer | undefined;
  afterEach(async () => server?.close());

  const orchRetries = (c: ReturnType<typeof collector>): unknown[] =>
    c.activities('retry').filter((r) => (r as { maxRetries: number }).maxRetries === POLICY.maxRetries);

  it('retries an overloaded try with backoff and succeeds, counting every try', async () => {
    server = await startScriptedModel({ scenario: times(1, overloaded(), writeFile('a.txt', 'after retry')) });
    const c = collector();
    const out = await runAttempt(box.request(server.url, { retry: POLICY }), c.emit);
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.equal(readFileSync(join(box.cwd, 'a.txt'), 'utf8'), 'after retry');
    assert.deepEqual(orchRetries(c).map((r) => (r as { errorStatus: number }).errorStatus), [529]);
    assert.deepEqual(server.modelRequests().map((r) => r.replyKind), ['error', 'message', 'message']);
    assert.ok(readdirSync(box.artifactsDir).some((f) => f.startsWith('PRD-1-T1-1.try2.')), 'the second try has its own files');
  });

  it('resumes the session on retry when the failed try had already done work', async () => {
    server = await startScriptedModel({
      scenario: (r, ctx) => (r.promptText.includes('Continue the task') ? finish('finished after resume')(r, ctx) : steps([writeTool('a.txt', 'A')], overloaded())(r, ctx)),
    });
    const out = await runAttempt(box.request(server.url, { retry: POLICY }), () => undefined);
    assert.equal(out.outcome, 'succeeded', out.message);
    const requests = server.modelRequests();
    const last = requests[requests.length - 1]?.parsed;
    assert.equal(last?.sessionId, requests[0]?.parsed?.sessionId, 'same Claude session');
    assert.ok(last?.messages.some((m) => m.toolUses.some((u) => u.name === 'Write')), 'the earlier work is in the context');
  });

  it('lets a hook switch the model before retrying (where fallback plugs in)', async () => {
    server = await startScriptedModel({ scenario: times(1, overloaded(), finish()) });
    const seen: [AttemptOutcome['failure'], number, string][] = [];
    const c = collector();
    const out = await runAttempt(
      box.request(server.url, {
        model: 'opus',
        retry: {
          ...POLICY,
          onRetryableFailure: (failure, n, model) => {
            seen.push([failure.failure, n, model]);
            return { action: 'retry', model: 'haiku' };
          },
        },
      }),
      c.emit,
    );
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.deepEqual(seen, [['overloaded', 1, 'opus']]);
    const models = server.modelRequests().map((r) => r.parsed?.model ?? '');
    assert.match(models[0] ?? '', /opus/);
    assert.match(models[1] ?? '', /haiku/);
    assert.match((c.activities('warning')[0] as { message: string }).message, /retrying with model haiku instead of opus/);
  });

  it('never retries an auth failure, whatever the policy lists', async () => {
    server = await startScriptedModel({ scenario: authFailed() });
    let asked = false;
    const out = await runAttempt(
      box.request(server.url, {
        retry: { ...POLICY, retryOn: ['auth', 'overloaded'], onRetryableFailure: () => ((asked = true), { action: 'retry' }) },
      }),
      () => undefined,
    );
    assert.equal(out.failure, 'auth');
    assert.equal(asked, false);
    assert.ok(!readdirSync(box.artifactsDir).some((f) => f.includes('.try2.')));
  });

  it('hands a retry-after longer than the policy allows back to the caller', async () => {
    server = await startScriptedModel({ scenario: rateLimited(30) });
    const c = collector();
    const out = await runAttempt(box.request(server.url, { retry: POLICY }), c.emit);
    assert.deepEqual([out.failure, out.retryAfterSec], ['rate-limited', 30]);
    assert.deepEqual(orchRetries(c), []);
    assert.equal(server.modelRequests().length, 1);
  });

  it('under the shared pace, 429 retries wait for its window and do not use up the retries; past their own allowance the attempt ends', async () => {
    // A floor of 600 tries a minute: the waits are the 1 s windows the 429s ask for.
    const pace = (): RequestPacer => new RequestPacer({ clock: systemClock, log: async () => undefined, settings: { floorPerMin: 600, increasePerMin: 60, rampTries: 4, windowMs: 1_000 } });
    server = await startScriptedModel({ scenario: times(2, rateLimited(1), writeFile('a.txt', 'after the storm')) });
    const c = collector();
    const out = await runAttempt(box.request(server.url, { retry: { ...POLICY, maxRetries: 1, pace: pace() } }), c.emit);
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.equal(readFileSync(join(box.cwd, 'a.txt'), 'utf8'), 'after the storm');
    // One retry allowed, yet two paced 429s were retried: Orch's retry lines grow the allowance,
    // 1 + 1 and 1 + 2 (the claude CLI's own lines, its retries held at one, say 1).
    const mine = c.activities('retry').filter((r) => (r as { maxRetries: number }).maxRetries > 1);
    assert.deepEqual(mine.map((r) => (r as { maxRetries: number }).maxRetries), [2, 3]);
    await server.close();

    server = await startScriptedModel({ scenario: rateLimited(1) });
    const spent = await runAttempt(box.request(server.url, { retry: { ...POLICY, maxRetries: 0, maxPacedRetries: 1, pace: pace() } }), () => undefined);
    assert.equal(spent.failure, 'rate-limited');
    assert.match(spent.message ?? '', /\(after 2 tries\)$/);
    assert.equal(server.modelRequests().length, 2);
  });

  it('gives up after the retry budget, saying how many tries it took', async () => {
    server = await startScriptedModel({ scenario: overloaded() });
    const out = await runAttempt(box.request(server.url, { retry: { ...POLICY, maxRetries: 1 } }), () => undefined);
    assert.equal(out.failure, 'overloaded');
    assert.match(out.message ?? '', /\(after 2 tries\)$/);
    assert.equal(server.modelRequests().length, 2);
  });

  it('is cancelled while waiting to retry', async () => {
    server = await startScriptedModel({ scenario: rateLimited(3) });
    const abort = new AbortController();
    const out = await runAttempt(box.request(server.url, { retry: POLICY, signal: abort.signal }), (e) => {
      if (e.type === 'attempt.activity' && e.activity.kind === 'retry' && e.activity.maxRetries === POLICY.maxRetries) abort.abort();
    });
    assert.deepEqual([out.failure, out.message], ['cancelled', 'cancelled while waiting to retry']);
  });
});
