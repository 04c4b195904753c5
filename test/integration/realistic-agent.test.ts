import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitOk } from '../../src/orchestrator/engine/git';
import { readToolResults } from '../../src/orchestrator/runner/stream-messages';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import type { Activity, AttemptFinished, OrchEvent } from '../../src/protocol/events';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';
import { inventoryModule, inventorySession, usageLedger, wantsThinking } from '../../src/scripted-model/realistic-scenarios';
import { redactedThinkingBlock, textReply, thinkingBlock, toolUseReply, withThinking } from '../../src/scripted-model/reply';
import { hang, steps } from '../../src/scripted-model/scenarios';
import { startScriptedModel } from '../../src/scripted-model/server';
import type { ScriptedToolResult, ScriptedToolUse } from '../../src/scripted-model/scripted-request';
import { engineFixture } from '../support/engine-fixture';
import { collector, useRunnerSandbox } from '../support/runner-harness';
import { useTempDir } from '../support/temp-dir';

const PRD = `---
id: PRD-1
milestone: "1.1"
title: Regions inventory
tasks:
  - id: T1
    title: Add the regions inventory module
    description: Add src/inventory.js with byCode and total, tested with npm test, and document it.
    agent: backend-engineer
    phase: implementation
    depends: []
    verify:
      - file: src/inventory.js
      - command: npm test
        timeout: 60
---
# PRD-1
`;

const MAX_EVENT_CHARS = 4_000;

function activitiesOf(events: readonly OrchEvent[], attemptId: string): Activity[] {
  return events.flatMap((e) => (e.type === 'attempt.activity' && e.attemptId === attemptId ? [e.activity] : []));
}

describe('a long, realistic agent session through the real claude CLI and the engine', function () {
  this.timeout(180_000);
  const tmp = useTempDir('orch-realistic-');

  it('records every call and result in order, cuts long outputs with the whole kept in files, bills every turn, and verifies', async () => {
    const ledger = usageLedger();
    const fixture = await engineFixture(tmp.path, { 'inventory.md': PRD }, inventorySession({ ledger }));
    try {
      const outcome = await fixture.run();
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      assert.equal(outcome.snapshot.tasks['PRD-1/T1']?.state, 'verified');
      const events = fixture.events(outcome.runId);
      const attemptId = 'PRD-1/T1#1';
      const activities = activitiesOf(events, attemptId);

      // What the model asked for and was answered, in order, as the CLI sent it back in the last request.
      const last = fixture.model.modelRequests().at(-1)?.parsed;
      assert.ok(last !== undefined);
      const uses: ScriptedToolUse[] = last.messages.flatMap((m) => m.toolUses);
      const results = new Map<string, ScriptedToolResult>(last.messages.flatMap((m) => m.toolResults.map((r) => [r.toolUseId, r] as const)));
      assert.ok(uses.length >= 30, `30+ tool calls, got ${uses.length}`);
      const names = new Set(uses.map((u) => u.name));
      for (const name of ['Read', 'Write', 'Edit', 'Bash', 'Grep', 'Glob', 'mcp__orch__report_progress']) assert.ok(names.has(name), `${name} among ${[...names].join(', ')}`);
      assert.ok(names.has('TaskCreate') || names.has('TodoWrite'), 'a todo list');
      // One call fails as a real agent's do (a Read of a file not there yet); the rest work.
      const failed = uses.filter((u) => results.get(u.id)?.isError === true);
      assert.deepEqual(
        failed.map((u) => [u.name, String((u.input as { file_path?: string }).file_path).split('/').pop()]),
        [['Read', 'package.json']],
      );

      const calls = activities.flatMap((a) => (a.kind === 'tool-call' ? [a] : []));
      assert.deepEqual(
        calls.map((c) => [c.toolUseId, c.name]),
        uses.map((u) => [u.id, u.name]),
        'every call, in order',
      );
      const position = (kind: string, id: string): number => activities.findIndex((a) => a.kind === kind && 'toolUseId' in a && a.toolUseId === id);
      const resultEvents = activities.flatMap((a) => (a.kind === 'tool-result' ? [a] : []));
      // Calls made together run together, so their results come as they finish; turns stay in order.
      const turnOf = new Map(last.messages.filter((m) => m.role === 'assistant').flatMap((m, turn) => m.toolUses.map((u) => [u.id, turn] as const)));
      assert.deepEqual(
        resultEvents.map((r) => r.toolUseId).sort(),
        uses.map((u) => u.id).sort(),
        'every result, once',
      );
      const turns = resultEvents.map((r) => turnOf.get(r.toolUseId) ?? -1);
      assert.deepEqual(turns, [...turns].sort((a, b) => a - b), 'results in turn order');
      for (const u of uses) assert.ok(position('tool-call', u.id) < position('tool-result', u.id), `${u.name} ${u.id}: result after its call`);
      assert.deepEqual(
        resultEvents.filter((r) => r.isError).map((r) => r.toolUseId),
        failed.map((u) => u.id),
        'the failed call is recorded as an error',
      );

      // The CLI asks for thinking: the model thought before acting, and the stream carried it.
      assert.ok(wantsThinking(last), 'the CLI asks for extended thinking');
      assert.ok(JSON.stringify(last.body).includes('"type":"thinking"'), 'thinking went back to the model with its signature');

      // Long results are cut in the event; the whole text the CLI streamed is in the artifacts file.
      // (The model sees that text, plus reminders the CLI appends to some results.)
      const streamed = new Map(
        readFileSync(join(workspacePaths(fixture.workspace).artifactsDir(outcome.runId), 'PRD-1-T1-1.stream.jsonl'), 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('{"type":"user"'))
          .flatMap((l) => readToolResults(JSON.parse(l) as Record<string, unknown>).map((r) => [r.toolUseId, r.text] as const)),
      );
      const long = resultEvents.filter((r) => (streamed.get(r.toolUseId)?.length ?? 0) > MAX_EVENT_CHARS);
      assert.ok(long.length >= 3, `the Read of the module, the cat of the log and the log read are long, got ${long.length}`);
      for (const r of long) {
        assert.ok(r.truncated !== undefined && existsSync(r.truncated), `${r.toolUseId} keeps its whole text`);
        const whole = readFileSync(r.truncated, 'utf8');
        assert.equal(whole, streamed.get(r.toolUseId));
        assert.ok(results.get(r.toolUseId)?.text.startsWith(whole), 'what the model saw');
        assert.ok(r.text.length < MAX_EVENT_CHARS + 200, `event text cut: ${r.text.length}`);
      }
      const readModule = uses.find((u) => u.name === 'Read' && String((u.input as { file_path: string }).file_path).endsWith('src/inventory.js'));
      const readEvent = resultEvents.find((r) => r.toolUseId === readModule?.id);
      assert.ok(readEvent?.truncated !== undefined && readFileSync(readEvent.truncated, 'utf8').includes("code: 'R0600'"), 'the whole module read is kept');
      const write = calls.find((c) => c.name === 'Write' && JSON.stringify(c.input).includes('src/inventory.js'));
      assert.ok(write?.truncated !== undefined, 'the 40 KB Write input is cut in its event');
      assert.equal((JSON.parse(readFileSync(write.truncated, 'utf8')) as { content: string }).content, inventoryModule(600));

      // Prose between calls and the long summary, in order; progress reports through Orch's tool.
      const texts = activities.flatMap((a) => (a.kind === 'text' ? [a] : []));
      assert.ok(texts.length >= 20, `prose between calls, got ${texts.length}`);
      const summary = texts.at(-1);
      assert.ok(summary?.text.startsWith('## Summary') && summary.truncated !== undefined, 'the summary is last, cut, and kept whole');
      assert.ok(readFileSync(summary?.truncated ?? '', 'utf8').length > MAX_EVENT_CHARS);
      assert.deepEqual(
        activities.flatMap((a) => (a.kind === 'progress' ? [a.percent] : [])),
        [10, 60, 100],
      );

      // Cost and tokens: what the scripted model billed, as the CLI reported it.
      const finished = events.find((e): e is AttemptFinished => e.type === 'attempt.finished' && e.attemptId === attemptId);
      assert.equal(finished?.outcome, 'succeeded');
      assert.equal(finished.costSource, 'reported');
      assert.ok(finished.costUsd > 0);
      assert.equal(ledger.answers, fixture.model.modelRequests().length);
      assert.equal(finished.inputTokens, ledger.inputTokens + ledger.cacheCreationInputTokens + ledger.cacheReadInputTokens);
      assert.equal(finished.outputTokens, ledger.outputTokens);
      assert.equal(outcome.snapshot.tasks['PRD-1/T1']?.costUsd, finished.costUsd);

      // The work itself reached the integration branch.
      const merged = await gitOk(fixture.workspace, ['show', `${outcome.integrationBranch}:src/inventory.js`]);
      assert.ok(merged.includes('ENTRIES.reduce((sum, entry) => sum + entry.population, 0)'), 'the Edit is in the merged module');
    } finally {
      await fixture.model.close();
    }
  });
});

describe('thinking blocks through the real claude CLI and Orch runner', function () {
  this.timeout(60_000);
  const box = useRunnerSandbox();
  const usage = { inputTokens: 1_000, outputTokens: 50 };
  const firstTurn = withThinking(
    toolUseReply('Bash', { command: 'echo checked', description: 'Check' }, { text: 'Checking first.', usage }),
    thinkingBlock('I will check before answering.'),
    redactedThinkingBlock(),
  );

  it('runs to the end with thinking and redacted thinking before text and tool calls, and records the work', async () => {
    const model = await startScriptedModel({ scenario: steps([firstTurn], withThinking(textReply('All checked.', { usage }), thinkingBlock('Done.'))) });
    try {
      const c = collector();
      const out = await runAttempt(box.request(model.url, { prompt: 'Check it.' }), c.emit);
      assert.equal(out.outcome, 'succeeded', out.message);
      assert.deepEqual([out.inputTokens, out.outputTokens], [2_000, 100]);
      assert.deepEqual(
        c.activities().map((a) => (a as { kind: string }).kind),
        ['init', 'thinking', 'thinking', 'text', 'tool-call', 'tool-result', 'thinking', 'text'],
      );
      const thoughts = c.activities().filter((a): a is Extract<Activity, { kind: 'thinking' }> => (a as { kind: string }).kind === 'thinking');
      assert.deepEqual(thoughts.map((t) => [t.text, t.redacted]), [['I will check before answering.', undefined], ['', true], ['Done.', undefined]]);
      const stream = readFileSync(join(box.artifactsDir, 'PRD-1-T1-1.stream.jsonl'), 'utf8');
      const blocks = stream
        .split('\n')
        .filter((l) => l.startsWith('{"type":"assistant"'))
        .flatMap((l) => (JSON.parse(l) as { message: { content: { type: string }[] } }).message.content.map((b) => b.type));
      assert.deepEqual(blocks, ['thinking', 'redacted_thinking', 'text', 'tool_use', 'thinking', 'text']);
    } finally {
      await model.close();
    }
  });

  it('estimates the tokens of an attempt cut short once per model answer, not once per streamed block', async () => {
    const model = await startScriptedModel({ scenario: steps([firstTurn], hang()) });
    try {
      const c = collector();
      const out = await runAttempt(box.request(model.url, { prompt: 'Check it.', inactivityTimeoutSec: 12 }), c.emit);
      assert.equal(out.outcome, 'failed');
      assert.equal(out.costSource, 'estimated');
      assert.deepEqual([out.inputTokens, out.outputTokens], [usage.inputTokens, usage.outputTokens]);
    } finally {
      await model.close();
    }
  });
});
