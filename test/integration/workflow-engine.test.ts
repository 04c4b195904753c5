import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario, turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { gitOk } from '../../src/orchestrator/engine/git';
import type { RecordedRequest } from '../../src/scripted-model/server';
import { textReply } from '../../src/scripted-model/reply';
import { claimSuccess, promptIncludes, route, slow, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

/** The task a model request works on, from the brief Orch wrote ("## Task T2: ..."). */
function taskOf(r: RecordedRequest): string | undefined {
  return /## Task (\S+):/.exec(r.parsed?.userText ?? '')?.[1];
}

/** Writes `path` once per instruction (first brief or rework), then finishes: works in resumed sessions too. */
function writeFile(path: string, content: string): Scenario {
  const write = writeTool(path, content);
  return (request, context) => (turnsSinceLastInstruction(request) === 0 ? write(request, context) : textReply(`Wrote ${path}.`));
}

/**
 * Holds each listed task's first model call until all of them have called (or 20 s passed):
 * tasks that really run in parallel meet here; tasks run one after another cannot.
 */
function meetFirst(tasks: readonly string[], inner: Scenario): Scenario {
  const arrived = new Set<string>();
  const waiting: (() => void)[] = [];
  return async (request, context) => {
    const task = /## Task (\S+):/.exec(request.userText)?.[1] ?? '';
    if (tasks.includes(task) && !arrived.has(task)) {
      arrived.add(task);
      if (arrived.size === tasks.length) waiting.splice(0).forEach((go) => go());
      else await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 20_000);
      });
    }
    return inner(request, context);
  };
}

function firstAndLast(requests: readonly RecordedRequest[], task: string): [number, number] {
  const times = requests.filter((r) => taskOf(r) === task).map((r) => r.at);
  return [Math.min(...times), Math.max(...times)];
}

describe('workflow engine with the real claude CLI', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('runs phases in order, independent tasks in parallel, merges every verified task', async () => {
    const fixture = await engineFixture(
      tmp.path,
      {
        'a.md': prd('PRD-A', [
          { id: 'T1', phase: 'requirements', file: 'docs/req.md', agent: 'product-planner' },
          { id: 'T2', file: 'src/a.js' },
          { id: 'T3', file: 'src/b.js' },
          { id: 'T4', phase: 'qa', file: 'test/a.test.js', agent: 'qa-engineer' },
        ]),
      },
      meetFirst(['T2', 'T3'], demoScenario),
    );
    try {
      const outcome = await fixture.run({ parallel: 2 });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const requests = fixture.model.modelRequests();
      const [, t1End] = firstAndLast(requests, 'T1');
      const [t2Start, t2End] = firstAndLast(requests, 'T2');
      const [t3Start, t3End] = firstAndLast(requests, 'T3');
      const [t4Start] = firstAndLast(requests, 'T4');
      assert.ok(t1End < t2Start && t1End < t3Start, 'requirements ran before implementation');
      assert.ok(Math.max(t2End, t3End) < t4Start, 'qa ran after implementation');
      assert.ok(t2Start < t3End && t3Start < t2End, 'the two implementation tasks overlapped');
      for (const file of ['docs/req.md', 'src/a.js', 'src/b.js', 'test/a.test.js']) {
        assert.ok((await gitOk(fixture.workspace, ['show', `${outcome.integrationBranch}:${file}`])).length > 0, file);
      }
      const t2 = outcome.snapshot.tasks['PRD-A/T2']!;
      assert.equal(t2.attempts.length, 1);
      assert.ok(t2.costUsd > 0, 'cost recorded');
      assert.ok(outcome.snapshot.attempts['PRD-A/T2#1']?.sessionId, 'session id recorded');
    } finally {
      await fixture.model.close();
    }
  });

  it('never runs more attempts at once than the parallel limit', async () => {
    const tasks = ['T1', 'T2', 'T3', 'T4', 'T5'].map((id) => ({ id, file: `${id}.txt` }));
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', tasks) }, meetFirst(['T1', 'T2'], slow(300, demoScenario)));
    try {
      const outcome = await fixture.run({ parallel: 2 });
      assert.equal(outcome.result, 'completed');
      const events = readFileSync(fixture.eventsFile()!, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string });
      let running = 0;
      let most = 0;
      for (const e of events) {
        if (e.type === 'attempt.started') most = Math.max(most, ++running);
        if (e.type === 'attempt.finished') running -= 1;
      }
      assert.equal(most, 2);
    } finally {
      await fixture.model.close();
    }
  });

  it('sends a false claim of success back as a defect, and the rework resumes the session', async () => {
    const scenario = route([{ when: promptIncludes('was not accepted'), then: demoScenario }], claimSuccess());
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'out.txt' }]) }, scenario);
    try {
      const outcome = await fixture.run();
      const task = outcome.snapshot.tasks['PRD-A/T1']!;
      assert.equal(outcome.result, 'completed');
      assert.equal(task.state, 'verified');
      assert.deepEqual(task.attempts, ['PRD-A/T1#1', 'PRD-A/T1#2']);
      assert.equal(task.defects, 1);
      const rework = fixture.model.modelRequests().find((r) => r.parsed?.userText.includes('was not accepted'));
      assert.ok(rework?.parsed?.userText.includes('## Task T1: Make out.txt'), 'the resumed conversation carries the first brief');
      assert.equal(outcome.snapshot.attempts['PRD-A/T1#2']?.resumeOf, 'PRD-A/T1#1');
    } finally {
      await fixture.model.close();
    }
  });

  it('blocks a task after the attempt limit, and the tasks behind it', async () => {
    const fixture = await engineFixture(
      tmp.path,
      { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'never.txt' }, { id: 'T2', file: 'after.txt', depends: ['T1'] }]) },
      claimSuccess(),
    );
    try {
      const outcome = await fixture.run({ config: { maxAttempts: 2 } });
      assert.equal(outcome.result, 'failed');
      assert.equal(outcome.snapshot.tasks['PRD-A/T1']?.state, 'blocked');
      assert.equal(outcome.snapshot.tasks['PRD-A/T1']?.attempts.length, 2);
      assert.equal(outcome.snapshot.tasks['PRD-A/T2']?.state, 'blocked');
      assert.equal(outcome.snapshot.tasks['PRD-A/T2']?.attempts.length, 0);
    } finally {
      await fixture.model.close();
    }
  });

  it('turns a merge conflict between parallel tasks into a defect that rework resolves', async () => {
    const scenario = route(
      [
        { when: promptIncludes('merge conflict'), then: writeFile('shared.txt', 'both\n') },
        { when: promptIncludes('## Task T1:'), then: writeFile('shared.txt', 'one\n') },
      ],
      writeFile('shared.txt', 'two\n'),
    );
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'shared.txt' }, { id: 'T2', file: 'shared.txt' }]) }, scenario);
    try {
      const outcome = await fixture.run({ parallel: 2 });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const defects = Object.values(outcome.snapshot.tasks).reduce((n, t) => n + t.defects, 0);
      assert.equal(defects, 1);
      const events = readFileSync(join(fixture.workspace, '.orch', 'runs', outcome.runId, 'events.jsonl'), 'utf8');
      assert.match(events, /conflicts in: shared\.txt/);
      assert.equal(await gitOk(fixture.workspace, ['show', `${outcome.integrationBranch}:shared.txt`]), 'both\n');
    } finally {
      await fixture.model.close();
    }
  });
});
