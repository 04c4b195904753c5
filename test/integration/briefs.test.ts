import { strict as assert } from 'node:assert';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { reportNoChange, REPORT_NO_CHANGE_TOOL } from '../../src/scripted-model/planner-scenarios';
import { claimSuccess, finish, garbage, promptIncludes, route, steps } from '../../src/scripted-model/scenarios';
import type { ScriptedRequest } from '../../src/scripted-model/scripted-request';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const ROADMAP = `# Shop

## Phase 1: Only phase

### Milestone 1.1: Orders
**Duration:** 1 week
**Focus:** the orders page
- A table of open orders

**Success Metrics:**
- Totals match the ledger
`;

const PRD = `---
id: PRD-A
milestone: "1.1"
title: Orders
tasks:
  - id: T1
    title: Make the ledger
    description: SECRET-T1 write ledger.txt with the totals.
    agent: backend-engineer
    phase: implementation
    verify:
      - file: ledger.txt
  - id: T2
    title: Make the page
    description: Write page.txt from the ledger.
    agent: backend-engineer
    phase: implementation
    depends: [T1]
    verify:
      - file: page.txt
  - id: T3
    title: Check the docs
    description: SECRET-T3 the README may already say it all.
    agent: backend-engineer
    phase: implementation
    depends: [T2]
---
# Orders

Shop staff see every open order with its total. BODY-MARKER
`;

function taskRequest(id: string): (r: { parsed?: ScriptedRequest }) => boolean {
  return (r) => r.parsed?.userText.includes(`## Task ${id}:`) === true;
}

describe('the briefs agents get', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('carry the PRD, the goals, what dependencies merged, limits and tools; a no-change task verifies through report_no_change', async () => {
    const noChange = steps([reportNoChange('the README already describes the orders page')], finish('Nothing to change.'));
    const scenario = route([{ when: promptIncludes('## Task T3:'), then: noChange }], demoScenario);
    const fixture = await engineFixture(tmp.path, { 'a.md': PRD }, scenario, ROADMAP);
    try {
      const outcome = await fixture.run({ config: { attemptTimeoutSec: 600 } });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const t2 = fixture.model.modelRequests().find(taskRequest('T2'))?.parsed;
      assert.ok(t2 !== undefined);
      const brief = t2.promptText;
      assert.match(brief, /## The PRD \(the file [^)]*prds\/a\.md\)/);
      assert.match(brief, /BODY-MARKER/);
      assert.match(brief, /Focus: the orders page\nFeatures:\n- A table of open orders\nSuccess metrics:\n- Totals match the ledger/);
      assert.match(brief, /What T1 \(Make the ledger\) merged: ledger\.txt\./);
      assert.match(brief, /> Done: Make the ledger\. Wrote ledger\.txt\./, "T1's final summary");
      assert.match(brief, /branch `orch\/[^/]+\/PRD-A-T2`, checked out fresh from `orch\/[^/]+\/integration`/);
      assert.match(brief, /stopped after 10 minutes of wall-clock time/);
      for (const tool of ['mcp__orch__report_progress', 'mcp__orch__attach_evidence', 'mcp__orch__report_no_change']) assert.ok(brief.includes(tool), tool);
      assert.ok(t2.tools.includes(REPORT_NO_CHANGE_TOOL), 'the tool is offered, under the name the brief gives');
      assert.ok(!brief.includes('SECRET-T1') && !brief.includes('SECRET-T3'), "other tasks' descriptions stay out");
      assert.match(brief, /- T3: Check the docs/);

      const t3 = outcome.snapshot.tasks['PRD-A/T3'];
      assert.equal(t3?.state, 'verified');
      assert.deepEqual(t3.attempts, ['PRD-A/T3#1']);
      const verified = fixture.events(outcome.runId).find((e) => e.type === 'task.verified' && e.taskId === 'PRD-A/T3');
      assert.ok(verified?.type === 'task.verified' && /no change was needed/.test(verified.basis), JSON.stringify(verified));
      const started = fixture.events(outcome.runId).find((e) => e.type === 'attempt.started' && e.attemptId === 'PRD-A/T2#1');
      assert.ok(started?.type === 'attempt.started' && started.promptTokens === Math.ceil(started.prompt.length / 4));
    } finally {
      await fixture.model.close();
    }
  });

  it('a rework lists only the checks its previous attempt failed, not an earlier round', async () => {
    const prd = `---
id: PRD-R
milestone: "1.1"
title: Rework
tasks:
  - id: T1
    title: Make out.txt
    description: Create out.txt.
    agent: backend-engineer
    phase: implementation
    verify:
      - file: out.txt
---
# Rework
`;
    // #1 claims success without the file (a defect), #2 (the resumed session) dies on a broken
    // model answer before any check runs, #3 starts afresh and does the work.
    const scenario = route(
      [
        { when: (r) => r.promptText.startsWith('Your work on task'), then: garbage() },
        { when: promptIncludes('was not accepted'), then: demoScenario },
      ],
      claimSuccess(),
    );
    const fixture = await engineFixture(tmp.path, { 'r.md': prd }, scenario, ROADMAP);
    try {
      const outcome = await fixture.run();
      const task = outcome.snapshot.tasks['PRD-R/T1'];
      assert.equal(task?.state, 'verified', JSON.stringify(outcome.snapshot.attempts, null, 1));
      assert.deepEqual(task.attempts, ['PRD-R/T1#1', 'PRD-R/T1#2', 'PRD-R/T1#3']);
      assert.equal(outcome.snapshot.attempts['PRD-R/T1#2']?.state, 'failed');
      const second = outcome.snapshot.attempts['PRD-R/T1#2'].prompt;
      assert.match(second, /Checks that failed now:\n- file out\.txt: out\.txt does not exist/);
      assert.match(second, /The full output of every check is in .*evidence/);
      const third = outcome.snapshot.attempts['PRD-R/T1#3']!.prompt;
      assert.ok(third.startsWith('You are working on task T1'), 'no session to resume: the third attempt gets a fresh brief with its rework');
      const rework = third.slice(third.indexOf('was not accepted'));
      assert.ok(fixture.model.modelRequests().some((r) => r.parsed?.promptText.includes(rework) === true), 'the model received it');
      assert.doesNotMatch(rework, /Checks that failed now/, "the first round's failed check is not current");
      assert.match(rework, /was not accepted: [^\n]+/);
    } finally {
      await fixture.model.close();
    }
  });
});
