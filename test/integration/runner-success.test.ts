import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import { answeringAs, finish, steps, useTool, writeFile, writeTool } from '../../src/scripted-model/scenarios';
import { collector, useRunnerSandbox } from '../support/runner-harness';

describe('runner: attempts that work', () => {
  const box = useRunnerSandbox();
  let server: ScriptedModelServer | undefined;
  afterEach(async () => server?.close());

  it('runs a task that writes a file, with cost, tokens, session and a typed activity stream', async () => {
    server = await startScriptedModel({ scenario: writeFile('src/a.js', 'export const a = 1;\n') });
    const c = collector();
    const out = await runAttempt(box.request(server.url, { prompt: 'Write src/a.js' }), c.emit);

    assert.equal(out.outcome, 'succeeded', out.message);
    assert.equal(readFileSync(join(box.cwd, 'src/a.js'), 'utf8'), 'export const a = 1;\n');
    assert.ok(out.costUsd > 0, `cost ${out.costUsd}`);
    assert.equal(out.costSource, 'reported');
    assert.deepEqual([out.inputTokens, out.outputTokens], [200, 40]);
    assert.equal(out.modelUsed, 'claude-sonnet-5');
    const init = c.activities('init')[0] as { sessionId: string; model: string; tools: string[] };
    assert.equal(out.sessionId, init.sessionId);
    assert.ok(init.tools.includes('mcp__orch__report_progress'), init.tools.join(','));
    assert.deepEqual(
      c.activities().map((a) => (a as { kind: string }).kind),
      ['init', 'tool-call', 'tool-result', 'text'],
    );
    const call = c.activities('tool-call')[0] as { name: string; input: { file_path: string } };
    assert.deepEqual([call.name, call.input.file_path], ['Write', join(box.cwd, 'src/a.js')]);
    assert.ok(c.events.every((e) => e.type === 'attempt.activity' && e.attemptId === 'PRD-1/T1#1'));

    // The system prompt was appended (the CLI's own stays), the prompt arrived via stdin, and
    // the CLI's own retries are held at one so Orch decides.
    const first = server.modelRequests()[0]?.parsed;
    assert.match(first?.system ?? '', /You are a careful test agent\./);
    assert.match(first?.system ?? '', /Primary working directory/);
    assert.match(first?.userText ?? '', /Write src\/a\.js/);
    assert.ok(existsSync(join(box.artifactsDir, 'PRD-1-T1-1.stream.jsonl')));
  });

  it('cuts long outputs in events and keeps the whole text in a file', async () => {
    const long = 'x'.repeat(9_000);
    server = await startScriptedModel({ scenario: steps([writeTool('big.txt', long)], finish(`Summary: ${'y'.repeat(5_000)}`)) });
    const c = collector();
    const out = await runAttempt(box.request(server.url, { maxEventChars: 1_000 }), c.emit);
    assert.equal(out.outcome, 'succeeded', out.message);
    const text = c.activities('text')[0] as { text: string; truncated: string };
    assert.ok(text.text.length < 1_200, `event text is ${text.text.length} chars`);
    assert.equal(readFileSync(text.truncated, 'utf8'), `Summary: ${'y'.repeat(5_000)}`);
    const call = c.activities('tool-call')[0] as { input: { content: string }; truncated: string };
    assert.ok(call.input.content.length < 300, `input content is ${call.input.content.length} chars`);
    assert.equal((JSON.parse(readFileSync(call.truncated, 'utf8')) as { content: string }).content, long);
  });

  it('turns report_progress and attach_evidence calls into progress and evidence activities', async () => {
    server = await startScriptedModel({
      scenario: steps([
        useTool('mcp__orch__report_progress', { percent: 40, note: 'tests written' }),
        useTool('mcp__orch__attach_evidence', { kind: 'test-output', path_or_text: '12 passing' }),
      ]),
    });
    const c = collector();
    const out = await runAttempt(box.request(server.url), c.emit);
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.deepEqual(c.activities('progress'), [{ kind: 'progress', percent: 40, note: 'tests written' }]);
    assert.deepEqual(c.activities('evidence'), [{ kind: 'evidence', evidenceKind: 'test-output', value: '12 passing' }]);
    // Orch's report lands before the tool result that acknowledges it.
    const kinds = c.activities().map((a) => (a as { kind: string }).kind);
    assert.ok(kinds.indexOf('progress') < kinds.indexOf('tool-result'), kinds.join(','));
  });

  it('reports a model mismatch when another model answers than the one asked for', async () => {
    server = await startScriptedModel({ scenario: answeringAs('claude-haiku-4-5', writeFile('a.txt', 'a')) });
    const c = collector();
    const out = await runAttempt(box.request(server.url, { model: 'sonnet' }), c.emit);
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.equal(out.modelUsed, 'claude-haiku-4-5');
    const mismatches = c.events.filter((e) => e.type === 'model.mismatched');
    assert.deepEqual(mismatches, [{ type: 'model.mismatched', attemptId: 'PRD-1/T1#1', requested: 'sonnet', used: 'claude-haiku-4-5' }]);
  });

  it('asks for a full model id and accepts the alias family only for aliases', async () => {
    server = await startScriptedModel({ scenario: finish() });
    const c = collector();
    const out = await runAttempt(box.request(server.url, { model: 'claude-opus-4-8' }), c.emit);
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.equal(server.modelRequests()[0]?.parsed?.model, 'claude-opus-4-8');
    assert.deepEqual(c.events.filter((e) => e.type === 'model.mismatched'), []);
  });

  it('resumes an earlier session with a follow-up prompt: the model sees the whole conversation', async () => {
    server = await startScriptedModel({ scenario: writeFile('a.txt', 'first') });
    const first = await runAttempt(box.request(server.url, { prompt: 'Write a.txt' }), () => undefined);
    assert.equal(first.outcome, 'succeeded', first.message);
    server.setScenario(writeFile('b.txt', 'second'));
    const before = server.modelRequests().length;
    const c = collector();
    const second = await runAttempt(
      box.request(server.url, { attemptId: 'PRD-1/T1#2', prompt: 'Rework: also write b.txt', resumeSessionId: first.sessionId }),
      c.emit,
    );
    assert.equal(second.outcome, 'succeeded', second.message);
    assert.equal(second.sessionId, first.sessionId);
    const resumed = server.modelRequests()[before]?.parsed;
    assert.equal(resumed?.sessionId, first.sessionId);
    const users = resumed?.messages.filter((m) => m.role === 'user').map((m) => m.text) ?? [];
    assert.ok(users.some((t) => t.includes('Write a.txt')), 'the first prompt is in the resumed conversation');
    assert.ok(users.some((t) => t.includes('Rework: also write b.txt')), 'the follow-up is the new user message');
    assert.ok(resumed?.messages.some((m) => m.toolUses.some((u) => u.name === 'Write')), 'the earlier tool call is there');
    assert.equal(readFileSync(join(box.cwd, 'b.txt'), 'utf8'), 'second');
  });

  it('starts afresh with the whole brief, in the same attempt, when the session to resume is not there', async () => {
    server = await startScriptedModel({ scenario: writeFile('c.txt', 'fresh') });
    const c = collector();
    const gone = '0b7e4c39-3d6c-4c55-9a57-1e0f8f2b1111';
    const out = await runAttempt(
      box.request(server.url, { attemptId: 'PRD-1/T1#2', prompt: 'Rework: also write c.txt', freshPrompt: 'The whole brief: write c.txt.\n\nRework: also write c.txt', resumeSessionId: gone, retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, retryOn: [] } }),
      c.emit,
    );
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.notEqual(out.sessionId, gone);
    assert.ok(
      (c.activities('warning') as { message: string }[]).some((a) => a.message.includes(`the Claude session ${gone} to continue is not on this machine`)),
      'the user is told why the agent starts over',
    );
    const requests = server.modelRequests();
    assert.ok(requests.length > 0);
    assert.ok(requests[0]?.parsed?.userText.includes('The whole brief: write c.txt.'), 'the fresh session gets the whole brief');
    assert.equal(readFileSync(join(box.cwd, 'c.txt'), 'utf8'), 'fresh');
  });
});
