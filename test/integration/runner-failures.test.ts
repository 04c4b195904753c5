import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AttemptOutcome } from '../../src/protocol/events';
import type { AttemptRequest } from '../../src/orchestrator/runner/attempt-request';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import {
  authFailed,
  costing,
  creditExhausted,
  cutOff,
  garbage,
  overloaded,
  rateLimited,
  steps,
  writeTool,
  type Scenario,
} from '../../src/scripted-model/scenarios';
import { collector, useRunnerSandbox } from '../support/runner-harness';

const STAND_IN = resolve(__dirname, '../support/stand-in-claude.mjs');

describe('runner: each failure class ends in its class with a clear message', () => {
  const box = useRunnerSandbox();
  let server: ScriptedModelServer | undefined;
  afterEach(async () => server?.close());

  async function attempt(scenario: Scenario, overrides: Partial<AttemptRequest> = {}): Promise<{ out: AttemptOutcome; c: ReturnType<typeof collector> }> {
    server = await startScriptedModel({ scenario });
    const c = collector();
    const out = await runAttempt(box.request(server.url, overrides), c.emit);
    return { out, c };
  }

  it('529 overloaded: Orch stops the CLI at its first retry and owns the decision', async () => {
    const { out, c } = await attempt(overloaded());
    assert.deepEqual([out.outcome, out.failure], ['failed', 'overloaded']);
    assert.match(out.message ?? '', /overloaded \(529\)/);
    assert.equal(server?.modelRequests().length, 1, 'the CLI did not get to retry by itself');
    assert.equal((c.activities('retry')[0] as { errorStatus: number }).errorStatus, 529);
  });

  it('429 keeps the retry-after the API asked for', async () => {
    const { out } = await attempt(rateLimited(7));
    assert.deepEqual([out.failure, out.retryAfterSec], ['rate-limited', 7]);
    assert.match(out.message ?? '', /rate limited by the model API \(429\); it asked to wait 7 s/);
  });

  it('no credentials at all: not-logged-in, saying what to set', async () => {
    server = await startScriptedModel({ scenario: overloaded() });
    const req = box.request(server.url);
    const out = await runAttempt({ ...req, env: { ...req.env, ANTHROPIC_API_KEY: undefined } }, () => undefined);
    assert.equal(out.failure, 'not-logged-in');
    assert.match(out.message ?? '', /ANTHROPIC_API_KEY/);
    assert.match(out.message ?? '', /Not logged in/);
    assert.equal(server.modelRequests().length, 0);
  });

  it('401: auth, quoting the CLI', async () => {
    const { out } = await attempt(authFailed());
    assert.equal(out.failure, 'auth');
    assert.match(out.message ?? '', /refused the credentials \(401\): "Invalid API key/);
  });

  it('credit exhausted: spend-limit', async () => {
    const { out } = await attempt(creditExhausted());
    assert.equal(out.failure, 'spend-limit');
    assert.match(out.message ?? '', /Credit balance is too low/);
  });

  it('a garbage stream: model-error', async () => {
    const { out } = await attempt(garbage());
    assert.equal(out.failure, 'model-error');
    assert.match(out.message ?? '', /the model API failed: "API Error: Failed to parse JSON"/);
  });

  it('a stream cut mid-way: model-error naming the lost connection', async () => {
    const { out } = await attempt(cutOff());
    assert.equal(out.failure, 'model-error');
    assert.match(out.message ?? '', /Connection to the API was lost/);
  });

  it('the turn limit: max-turns', async () => {
    const { out } = await attempt(steps([writeTool('a', '1'), writeTool('b', '2'), writeTool('c', '3')]), { maxTurns: 1 });
    assert.equal(out.failure, 'max-turns');
    assert.match(out.message ?? '', /turn limit after 2 turns/);
  });

  it('the attempt budget: budget-exceeded with what was spent', async () => {
    const { out } = await attempt(costing({ inputTokens: 100_000, outputTokens: 1_000 }, steps([writeTool('a', '1'), writeTool('b', '2')])), {
      maxBudgetUsd: 0.01,
    });
    assert.equal(out.failure, 'budget-exceeded');
    assert.match(out.message ?? '', /Reached maximum budget \(\$0\.01\)/);
    assert.ok(out.costUsd > 0.01, `cost ${out.costUsd}`);
  });

  it('a missing executable: binary-missing, naming the path and how to set it', async () => {
    for (const claudePath of [join(box.cwd, 'no-such-claude'), 'no-such-claude-on-path']) {
      const { out } = await attempt(overloaded(), { claudePath });
      assert.equal(out.failure, 'binary-missing', claudePath);
      assert.match(out.message ?? '', new RegExp(`"${claudePath}" was not found; set --claude-path, ORCH_CLAUDE_PATH`));
    }
  });

  it('a file that is not executable: binary-missing', async () => {
    const notExec = join(box.cwd, 'claude');
    writeFileSync(notExec, '#!/bin/sh\n');
    chmodSync(notExec, 0o644);
    const { out } = await attempt(overloaded(), { claudePath: notExec });
    assert.equal(out.failure, 'binary-missing');
    assert.match(out.message ?? '', /is not executable/);
  });

  it('an exit without a result line: crashed with stderr; malformed lines become warnings', async () => {
    const { out, c } = await attempt(overloaded(), { claudePath: STAND_IN, env: { ...box.request('').env, STAND_IN_MODE: 'crash' } });
    assert.equal(out.failure, 'crashed');
    assert.match(out.message ?? '', /exited with code 3 without a result line; stderr: "stand-in: fatal error: out of cheese"/);
    const warnings = c.activities('warning').map((w) => (w as { message: string }).message);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /unreadable line from the claude CLI: not JSON .*this is not JSON at all/);
    assert.match(warnings[1] ?? '', /JSON without a "type"/);
    assert.equal(out.sessionId, 'stand-in-session');
    assert.deepEqual([out.costSource, out.inputTokens], ['estimated', 1000]);
    assert.ok(out.costUsd > 0);
  });
});
