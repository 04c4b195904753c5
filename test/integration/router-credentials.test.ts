import { strict as assert } from 'node:assert';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import type { OrchEvent } from '../../src/protocol/events';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

// The analyst's PRD is its own, so no phase gate ties the Claude tasks to it.
const ANALYST = `---
id: PRD-A
milestone: "1.1"
title: Analysis
tasks:
  - id: T1
    title: Write the analysis
    description: Analyse the requirements into docs/analysis.md.
    agent: business-analyst
    output: docs/analysis.md
    verify:
      - file: docs/analysis.md
---
# PRD-A
`;

describe('a missing OPENAI_API_KEY through the engine and the real claude CLI', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('blocks only the OpenAI-routed task, naming the variable, while the Claude tasks complete', async () => {
    const f = await engineFixture(tmp.path, { 'a.md': ANALYST, 'b.md': prd('PRD-B', [{ id: 'T1', file: 'one.txt' }, { id: 'T2', file: 'two.txt', depends: ['T1'] }]) }, demoScenario);
    try {
      // The fixture's environment is the run's: without the key, as a user who never set it.
      delete (f.env as Record<string, string>).OPENAI_API_KEY;
      const outcome = await f.run({ parallel: 2 });
      const tasks = outcome.snapshot.tasks;
      assert.equal(outcome.result, 'failed');
      assert.equal(tasks['PRD-A/T1']?.state, 'blocked');
      assert.match(tasks['PRD-A/T1']?.error ?? '', /OPENAI_API_KEY is not set/);
      assert.deepEqual([tasks['PRD-B/T1']?.state, tasks['PRD-B/T2']?.state], ['verified', 'verified'], JSON.stringify(tasks, null, 1));
      const events = f.events(outcome.runId);
      const blocked = events.filter((e): e is Extract<OrchEvent, { type: 'task.blocked' }> => e.type === 'task.blocked');
      assert.deepEqual(blocked.map((e) => e.taskId), ['PRD-A/T1']);
      assert.ok(!events.some((e) => e.type === 'warning.raised' && /stopped dispatching/.test(e.message)), 'the OpenAI failure stopped the Claude tasks');
      // No OpenAI request was made without a key; the Claude tasks reached the model.
      assert.ok(f.model.modelRequests().every((r) => r.parsed?.api !== 'openai'));
    } finally {
      await f.model.close();
    }
  });
});
