// consult, end to end with the real claude CLI against the scripted model: T1 consults the
// qa-engineer (whose prompt is the question, scripted to answer one line), names an unknown
// agent, and goes on to finish. One run, several assertions.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrchEvent } from '../../src/protocol/events';
import type { ConsultFinished, ConsultStarted } from '../../src/protocol/events-consult';
import { foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { markerScenario } from '../../src/scripted-model/markers';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';

function tool(name: string, input: Record<string, unknown>): string {
  return `[[scripted:tool name=${name} input='${JSON.stringify(input)}']]`;
}

// The question carries the consulted agent's scripted answer: its prompt is the question alone.
const QUESTION = 'Which port does the API use? [[scripted:finish text="The API listens on port 4321."]]';

const PRD = `---
id: PRD-1
milestone: "1.1"
title: Consulting
tasks:
  - id: T1
    title: Asker
    agent: backend-engineer
    description: |
      ${tool('mcp__orch__consult', { agent: 'qa-enginer', question: 'lost?' })}
      ${tool('mcp__orch__consult', { agent: 'qa-engineer', question: QUESTION })}
      [[scripted:write-file path=a.txt content="a"]]
    verify:
      - file: a.txt
---
# PRD-1
`;

describe('consult (real claude CLI)', function () {
  this.timeout(240_000);
  let dir: string;
  let fx: EngineFixture;
  let events: OrchEvent[];
  let run: RunSnapshot;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-consult-'));
    fx = await engineFixture(dir, { 'prd-1.md': PRD }, markerScenario());
    const outcome = await fx.run({ parallel: 1 });
    events = fx.events(outcome.runId);
    run = foldEvents(events)!;
  });
  after(async () => {
    await fx?.model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const results = (): string[] =>
    Object.values(run.attempts)
      .filter((a) => a.taskId === 'PRD-1/T1')
      .flatMap((a) => a.activity)
      .flatMap((a) => (a.kind === 'tool-result' ? [`${a.isError ? 'error: ' : ''}${a.text}`] : []));

  it('verifies the asking task', () => {
    assert.equal(run.tasks['PRD-1/T1']?.state, 'verified', JSON.stringify(run.warnings));
  });

  it("returns the consulted agent's answer as the tool's result", () => {
    const started = events.filter((e): e is ConsultStarted => e.type === 'consult.started');
    assert.equal(started.length, 1);
    assert.equal(started[0]!.agent, 'qa-engineer');
    assert.equal(started[0]!.taskId, 'PRD-1/T1');
    assert.equal(started[0]!.question, QUESTION);
    const finished = events.find((e): e is ConsultFinished => e.type === 'consult.finished');
    assert.equal(finished?.outcome, 'succeeded', finished?.error);
    assert.equal(finished?.answer, 'The API listens on port 4321.');
    assert.ok(results().some((r) => r.startsWith('qa-engineer answers:') && r.includes('The API listens on port 4321.')), results().join('\n'));
    // The consulted agent ran in the asker's worktree with the question as its prompt.
    const consulted = fx.model.modelRequests().filter((r) => JSON.stringify(r.body).includes('Which port does the API use?') && (r.parsed?.cwd?.endsWith('PRD-1-T1') ?? false));
    assert.ok(consulted.length >= 1, 'the consult reached the model from the asker\'s worktree');
  });

  it('refuses an unknown agent, listing the valid names, and runs nothing for it', () => {
    const refused = results().find((r) => r.startsWith('error: ') && r.includes('unknown agent'));
    assert.ok(refused, results().join('\n'));
    for (const name of ['backend-engineer', 'frontend-engineer', 'qa-engineer']) assert.ok(refused.includes(name), refused);
    assert.equal(events.some((e) => e.type === 'consult.started' && e.agent.includes('enginer')), false);
  });

  it("charges the consult's cost to the asking task", () => {
    const finished = events.find((e): e is ConsultFinished => e.type === 'consult.finished')!;
    assert.ok(finished.costUsd > 0, `consult cost ${finished.costUsd}`);
    const attempts = Object.values(run.attempts).filter((a) => a.taskId === 'PRD-1/T1').reduce((sum, a) => sum + (a.costUsd ?? 0), 0);
    const task = run.tasks['PRD-1/T1']!;
    assert.ok(Math.abs(task.costUsd - (attempts + finished.costUsd)) < 1e-9, `task ${task.costUsd}, attempts ${attempts}, consult ${finished.costUsd}`);
  });
});
