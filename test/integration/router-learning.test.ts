import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import type { OrchData } from '../../src/orchestrator/store/orch-store';
import type { OrchEvent } from '../../src/protocol/events';
import { textReply } from '../../src/scripted-model/reply';
import { modelFamily, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const task = (id: string): string[] => [
  `  - id: ${id}`,
  `    title: Status file ${id}`,
  `    description: Write status-${id}.txt saying OK.`,
  '    agent: backend-engineer',
  '    verify:',
  `      - file: status-${id}.txt`,
  `      - command: grep -q OK status-${id}.txt`,
];
const IDS = ['T1', 'T2', 'T3', 'T4', 'T5'];
const PRD = ['---', 'id: PRD-L', 'milestone: "1.1"', 'title: Learning', 'tasks:', ...IDS.flatMap(task), '---', '# PRD-L', ''].join('\n');

// The cheap model gets this kind of task wrong every time; the others get it right.
const scenario: Scenario = (request, context) => {
  const id = /## Task (\S+):/.exec(request.userText)?.[1] ?? 'T0';
  if (turnsSinceLastInstruction(request) > 0) return textReply(`Wrote status-${id}.txt.`);
  return writeTool(`status-${id}.txt`, modelFamily(request.model) === 'haiku' ? 'TODO\n' : 'OK\n')(request, context);
};

type Routed = Extract<OrchEvent, { type: 'model.routed' }>;

function firstRouting(events: readonly OrchEvent[]): Routed[] {
  const seen = new Set<string>();
  return events.filter((x): x is Routed => x.type === 'model.routed' && !seen.has(x.taskId) && seen.add(x.taskId) !== undefined);
}

describe('the router learns across runs of one workspace (.orch/orch.json)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('routes a kind of task the cheap model failed five times in run 1 to a stronger model from the start of run 2, saying it learned', async () => {
    const f = await engineFixture(tmp.path, { 'l.md': PRD }, scenario);
    try {
      // Five tasks of one kind start together on the cheap model, and all fail their checks:
      // more than the noise a few slips could be.
      const first = await f.run({ parallel: 5, config: { maxAttempts: 1 } });
      assert.deepEqual(firstRouting(f.events(first.runId)).map((e) => e.model), IDS.map(() => 'haiku'));
      assert.deepEqual(Object.values(first.snapshot.tasks).map((t) => t.state), IDS.map(() => 'blocked'));
      const store = JSON.parse(readFileSync(join(f.workspace, '.orch', 'orch.json'), 'utf8')) as OrchData;
      assert.deepEqual(
        store.routing?.map((r) => [r.runId, r.model, r.agent, r.firstPass]).sort(),
        IDS.map(() => [first.runId, 'haiku', 'backend-engineer', false]),
      );
      assert.deepEqual(store.routing?.map((r) => r.taskId).sort(), IDS.map((id) => `PRD-L/${id}`));
      const haikuBefore = f.model.modelRequests().filter((r) => modelFamily(r.parsed?.model ?? '') === 'haiku').length;

      const second = await f.run({ parallel: 5, config: { maxAttempts: 1 } });
      const routed = firstRouting(f.events(second.runId));
      for (const r of routed) {
        assert.notEqual(r.model, 'haiku', r.reasons.join('\n'));
        assert.ok(r.reasons.some((x) => /^learned from history: haiku failed 5 of 5 first attempts in earlier runs, where 0\.\d were expected$/.test(x)), r.reasons.join('\n'));
      }
      assert.equal(second.result, 'completed', JSON.stringify(second.snapshot.tasks, null, 1));
      const haikuAfter = f.model.modelRequests().filter((r) => modelFamily(r.parsed?.model ?? '') === 'haiku').length;
      assert.equal(haikuAfter, haikuBefore, 'run 2 tried the cheap model first');
      const after = JSON.parse(readFileSync(join(f.workspace, '.orch', 'orch.json'), 'utf8')) as OrchData;
      assert.deepEqual(after.routing?.filter((r) => r.runId === second.runId).map((r) => [r.model, r.firstPass]), IDS.map(() => [routed[0]!.model, true]));
      assert.equal(after.runs.length, 2, 'the run index kept both runs next to the routing history');
    } finally {
      await f.model.close();
    }
  });

  it('keeps the model that ran on a routed task whose only attempt fails its checks: no step up for an attempt that will not run', async () => {
    const one = PRD.slice(0, PRD.indexOf('  - id: T2')) + '---\n# PRD-L\n';
    const f = await engineFixture(tmp.path, { 'l.md': one }, scenario);
    try {
      const outcome = await f.run({ config: { maxAttempts: 1 } });
      const task = outcome.snapshot.tasks['PRD-L/T1']!;
      assert.equal(task.state, 'blocked');
      assert.deepEqual(task.attempts.map((id) => outcome.snapshot.attempts[id]!.model), ['haiku']);
      assert.equal(task.model, 'haiku', 'the task shows a model that never ran');
      assert.equal(task.routing?.model, 'haiku');
      const events = f.events(outcome.runId);
      const lastStart = events.map((e) => e.type).lastIndexOf('attempt.started');
      assert.deepEqual(events.slice(lastStart).filter((e) => e.type === 'model.routed'), []);
    } finally {
      await f.model.close();
    }
  });

  it('neither reworks nor steps up the model when only the machine failed the checks (no Chromium): the task is blocked on the environment', async () => {
    const browserTask = PRD.slice(0, PRD.indexOf('  - id: T2')).replace('      - command: grep -q OK status-T1.txt\n', '      - browser: { url: status-T1.txt, expect: OK }\n');
    const f = await engineFixture(tmp.path, { 'l.md': `${browserTask}---\n# PRD-L\n` }, scenario);
    try {
      const outcome = await f.run({ config: { maxAttempts: 2, chromiumPath: join(tmp.path, 'no-chromium') } });
      const task = outcome.snapshot.tasks['PRD-L/T1']!;
      assert.equal(task.state, 'blocked');
      assert.match(task.checks.find((c) => !c.passed)?.detail ?? '', /^Chromium not found at /);
      assert.deepEqual(task.attempts.map((id) => outcome.snapshot.attempts[id]!.model), ['haiku']);
      assert.equal(task.environmentBlocked, true);
      assert.deepEqual(f.events(outcome.runId).filter((e) => e.type === 'model.routed').map((e) => e.model), ['haiku']);
    } finally {
      await f.model.close();
    }
  });

  it('reworks a routed task one tier up when its checks fail, and charges the slip to the first model', async () => {
    const one = PRD.slice(0, PRD.indexOf('  - id: T2')) + '---\n# PRD-L\n';
    const f = await engineFixture(tmp.path, { 'l.md': one }, scenario);
    try {
      const outcome = await f.run({ config: { maxAttempts: 2 } });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const attempts = outcome.snapshot.tasks['PRD-L/T1']!.attempts.map((id) => outcome.snapshot.attempts[id]!.model);
      assert.deepEqual(attempts, ['haiku', 'sonnet']);
      const routed = f.events(outcome.runId).filter((e): e is Routed => e.type === 'model.routed');
      assert.deepEqual(routed.map((e) => e.model), ['haiku', 'sonnet']);
      assert.match(routed[1]!.reasons[0]!, /^sonnet: the rework goes one tier up, since haiku's attempt was not verified$/);
      const store = JSON.parse(readFileSync(join(f.workspace, '.orch', 'orch.json'), 'utf8')) as OrchData;
      assert.deepEqual(store.routing?.map((r) => [r.model, r.firstPass]), [['haiku', false]]);
    } finally {
      await f.model.close();
    }
  });
});
