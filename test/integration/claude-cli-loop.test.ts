import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markerScenario } from '../../src/scripted-model/markers';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import { writeFile } from '../../src/scripted-model/scenarios';
import { runClaude } from '../support/claude-harness';
import { useTempDir } from '../support/temp-dir';

describe('the real claude CLI against the scripted model', function () {
  // Longer than the harness's kill timer, so a slow CLI is stopped before the test gives up on it.
  this.timeout(180_000);
  const dir = useTempDir('orch-cli-loop-');
  let server: ScriptedModelServer | undefined;
  afterEach(async () => server?.close());

  it('writes the file the scenario asks for and ends with a result line carrying cost, usage and session', async () => {
    server = await startScriptedModel({ scenario: writeFile('src/hello.js', 'console.log("hello");\n') });
    const run = await runClaude({ baseUrl: server.url, cwd: dir.path, prompt: 'Create src/hello.js' });

    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(readFileSync(join(dir.path, 'src/hello.js'), 'utf8'), 'console.log("hello");\n');
    const last = run.lines[run.lines.length - 1];
    assert.equal(last?.type, 'result');
    assert.equal(last?.is_error, false);
    assert.equal(last?.result, 'Wrote src/hello.js.');
    assert.ok(typeof last?.total_cost_usd === 'number' && last.total_cost_usd > 0, `cost ${String(last?.total_cost_usd)}`);
    assert.deepEqual(
      [(last?.usage as { input_tokens: number }).input_tokens, (last?.usage as { output_tokens: number }).output_tokens],
      [200, 40],
    );
    const sessionId = run.init?.session_id;
    assert.equal(typeof sessionId, 'string');
    assert.equal(last?.session_id, sessionId);

    const model = server.modelRequests();
    assert.equal(model.length, 2);
    assert.equal(model[0]?.parsed?.cwd, dir.path);
    assert.equal(model[0]?.headers['x-claude-code-session-id'], sessionId);
    assert.equal(model[1]?.parsed?.messages.some((m) => m.toolResults.some((t) => t.text.includes('src/hello.js'))), true);
  });

  it('follows a marker in the prompt, so a task description can script its own answer', async () => {
    server = await startScriptedModel({ scenario: markerScenario() });
    const run = await runClaude({
      baseUrl: server.url,
      cwd: dir.path,
      prompt: 'Task T1: [[scripted:write-file path=notes/t1.md content="# T1\\n" text="T1 done"]]',
    });
    assert.equal(run.result?.result, 'T1 done', run.stderr);
    assert.equal(readFileSync(join(dir.path, 'notes/t1.md'), 'utf8'), '# T1\n');
  });
});
