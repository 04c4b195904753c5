// A Bash command that prints 100 KB: the real claude CLI sends the model a 2 KB preview and keeps
// the whole output in its session folder; the attempt's artifacts keep all of it too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import { finish, steps, useTool } from '../../src/scripted-model/scenarios';
import { collector, useRunnerSandbox } from '../support/runner-harness';

describe('runner: a tool output the CLI cuts to a preview', function () {
  this.timeout(120_000);
  const box = useRunnerSandbox();
  let server: ScriptedModelServer | undefined;
  afterEach(async () => server?.close());

  it('keeps the whole Bash output as the activity artifact while the event holds the preview', async () => {
    server = await startScriptedModel({ scenario: steps([useTool('Bash', { command: 'seq 1 20000; echo last-line' })], finish('Printed it.')) });
    const c = collector();
    const out = await runAttempt(box.request(server.url, { timeoutSec: 90, inactivityTimeoutSec: 90 }), c.emit);
    assert.equal(out.outcome, 'succeeded', out.message);
    const results = c.activities('tool-result') as { text: string; truncated?: string }[];
    assert.equal(results.length, 1, JSON.stringify(results));
    const [result] = results;
    assert.match(result?.text ?? '', /Output too large/, 'the CLI cut this output: the test is about that case');
    assert.ok((result?.text.length ?? 0) < 10_000, `the event holds the preview only (${result?.text.length} characters)`);
    const expected = `${Array.from({ length: 20_000 }, (_, i) => i + 1).join('\n')}\nlast-line`;
    assert.equal(readFileSync(result?.truncated ?? '', 'utf8').trimEnd(), expected);
    assert.ok(result?.truncated?.startsWith(box.artifactsDir), result?.truncated);
    assert.deepEqual(c.activities('warning'), []);
  });
});
