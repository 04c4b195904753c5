import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunOutcome } from '../../src/orchestrator/engine/start-run';
import { reassignDefect, type ReassignOutcome } from '../../src/orchestrator/defects/reassign-defect';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import { absolutePath, finish, steps, useTool, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import type { ScriptedRequest } from '../../src/scripted-model/scripted-request';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';

const PRD = `---
id: PRD-R
milestone: "1.1"
title: Flag
tasks:
  - id: T1
    title: Ready flag
    description: Write the word ready into flag.txt.
    agent: backend-engineer
    verify:
      - command: grep -q ready flag.txt
---
# Flag
`;

const reworks = (r: ScriptedRequest): number => r.userText.split('was not accepted').length - 1;

describe('a person reassigns an open defect of a live run, with the real claude CLI', function () {
  this.timeout(600_000);
  let dir: string;
  let fixture: EngineFixture;
  let outcome: RunOutcome;
  let reassigned: Promise<ReassignOutcome> | undefined;

  // The author never gets the flag right. While its first rework runs, a person gives the defect
  // to qa-engineer on haiku; the engine records it before the next attempt, which is qa-engineer's.
  const scenario: Scenario = (r, c) => {
    if (r.system.includes('You are a QA engineer')) {
      return steps([useTool('Read', (q) => ({ file_path: absolutePath('flag.txt', q) })), writeTool('flag.txt', 'ready\n')], finish('Read flag.txt and wrote ready.'))(r, c);
    }
    if (reworks(r) >= 1 && reassigned === undefined) {
      const paths = workspacePaths(fixture.workspace);
      const runId = (/\.orch\/runs\/([^/]+)\//.exec(fixture.eventsFile() ?? '') ?? [])[1] ?? '';
      reassigned = reassignDefect({ paths, builtinAgentsDir: resolve(__dirname, '../../agents'), homeDir: homedir() }, runId, 'D1', { agent: 'qa-engineer', model: 'haiku' }, 'test-person');
    }
    return steps([writeTool('flag.txt', 'not yet\n')], finish('Wrote flag.txt.'))(r, c);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-reassign-'));
    fixture = await engineFixture(dir, { 'r.md': PRD }, scenario);
    outcome = await fixture.run();
  });

  after(async () => {
    await fixture?.model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is recorded by the run itself and the next attempt runs with the new agent and model', async () => {
    const request = await reassigned!;
    assert.equal(typeof request.pid, 'number', 'the run was live when it was asked');
    assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
    const task = outcome.snapshot.tasks['PRD-R/T1']!;
    assert.deepEqual(task.attempts, ['PRD-R/T1#1', 'PRD-R/T1#2', 'PRD-R/T1#3']);
    const third = outcome.snapshot.attempts['PRD-R/T1#3']!;
    assert.deepEqual([third.agent, third.model], ['qa-engineer', 'haiku']);
    // Another agent starts afresh: the whole brief, then the rework.
    assert.match(third.prompt, /^You are working on task T1[\s\S]*was not accepted/);
    const events = fixture.events(outcome.runId);
    const index = events.findIndex((e) => e.type === 'defect.reassigned');
    assert.ok(index > 0);
    assert.deepEqual(events[index], { ...events[index], defectId: 'D1', to: { agent: 'qa-engineer', model: 'haiku' }, by: 'test-person' });
    assert.ok(events.findIndex((e) => e.type === 'attempt.started' && e.attemptId === 'PRD-R/T1#3') > index);
    const d1 = outcome.snapshot.defects?.D1;
    assert.deepEqual([d1?.owner, d1?.reassigned?.by, d1?.state], [{ agent: 'qa-engineer', model: 'haiku' }, 'test-person', 'closed']);
  });

  it('is refused once the defect is settled, and for a defect the run does not have', async () => {
    const ws = { paths: workspacePaths(fixture.workspace), builtinAgentsDir: resolve(__dirname, '../../agents'), homeDir: homedir() };
    await assert.rejects(reassignDefect(ws, outcome.runId, 'D1', { agent: 'qa-engineer' }, 'p'), /defect D1 of PRD-R\/T1 is closed, not open/);
    await assert.rejects(reassignDefect(ws, outcome.runId, 'D9', { agent: 'qa-engineer' }, 'p'), (e: Error & { hint?: string }) => e.message === `run ${outcome.runId} has no defect D9` && e.hint === 'its defects: D1');
  });
});
