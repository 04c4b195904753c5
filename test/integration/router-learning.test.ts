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

const PRD = `---
id: PRD-L
milestone: "1.1"
title: Learning
tasks:
  - id: T1
    title: Status file
    description: Write status.txt saying OK.
    agent: backend-engineer
    verify:
      - file: status.txt
      - command: grep -q OK status.txt
---
# PRD-L
`;

// The cheap model gets this kind of task wrong every time; the others get it right.
const scenario: Scenario = (request, context) => {
  if (turnsSinceLastInstruction(request) > 0) return textReply('Wrote status.txt.');
  return writeTool('status.txt', modelFamily(request.model) === 'haiku' ? 'TODO\n' : 'OK\n')(request, context);
};

function routedT1(events: readonly OrchEvent[]): Extract<OrchEvent, { type: 'model.routed' }> {
  const e = events.find((x): x is Extract<OrchEvent, { type: 'model.routed' }> => x.type === 'model.routed' && x.taskId === 'PRD-L/T1');
  assert.ok(e !== undefined, 'T1 was never routed');
  return e;
}

describe('the router learns across runs of one workspace (.orch/orch.json)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('routes a kind of task the cheap model failed in run 1 to a stronger model from the start of run 2, saying it learned', async () => {
    const f = await engineFixture(tmp.path, { 'l.md': PRD }, scenario);
    try {
      const first = await f.run({ config: { maxAttempts: 1 } });
      assert.equal(routedT1(f.events(first.runId)).model, 'haiku');
      assert.equal(first.snapshot.tasks['PRD-L/T1']?.state, 'blocked');
      const store = JSON.parse(readFileSync(join(f.workspace, '.orch', 'orch.json'), 'utf8')) as OrchData;
      assert.deepEqual(
        store.routing?.map((r) => [r.runId, r.taskId, r.model, r.agent, r.firstPass]),
        [[first.runId, 'PRD-L/T1', 'haiku', 'backend-engineer', false]],
      );
      const haikuBefore = f.model.modelRequests().filter((r) => modelFamily(r.parsed?.model ?? '') === 'haiku').length;

      const second = await f.run({ config: { maxAttempts: 1 } });
      const routed = routedT1(f.events(second.runId));
      assert.notEqual(routed.model, 'haiku', routed.reasons.join('\n'));
      assert.ok(routed.reasons.some((r) => /^learned from history: haiku passed 0 of 1 first attempts at this complexity in earlier runs$/.test(r)), routed.reasons.join('\n'));
      assert.equal(second.result, 'completed', JSON.stringify(second.snapshot.tasks, null, 1));
      const haikuAfter = f.model.modelRequests().filter((r) => modelFamily(r.parsed?.model ?? '') === 'haiku').length;
      assert.equal(haikuAfter, haikuBefore, 'run 2 tried the cheap model first');
      const after = JSON.parse(readFileSync(join(f.workspace, '.orch', 'orch.json'), 'utf8')) as OrchData;
      assert.deepEqual(after.routing?.map((r) => [r.runId, r.model, r.firstPass]), [[first.runId, 'haiku', false], [second.runId, routed.model, true]]);
      assert.equal(after.runs.length, 2, 'the run index kept both runs next to the routing history');
    } finally {
      await f.model.close();
    }
  });
});
