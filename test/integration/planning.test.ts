import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { textReply } from '../../src/scripted-model/reply';
import { promptIncludes, route, times, type Scenario } from '../../src/scripted-model/scenarios';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const ROADMAP = `# Two milestones

## Phase 1: Only phase

### Milestone 1.1: Planned by hand
**Duration:** 1 week

### Milestone 1.2: Planned by the agent
**Duration:** 1 week
**Focus:** a changelog
- A CHANGELOG.md listing the first release
**Success Metrics:**
- The changelog exists
`;

function planJson(agent: string): string {
  return JSON.stringify({
    id: 'PRD-1.2',
    milestone: '1.2',
    title: 'Changelog',
    body: '# Changelog\n\nThe first release, written down.',
    tasks: [
      { id: 'T1', title: 'Write the changelog', description: 'Create CHANGELOG.md with a 0.1.0 entry.', agent, phase: 'implementation', depends: [], verify: [{ file: 'CHANGELOG.md' }] },
    ],
  });
}

const isPlanning = promptIncludes('Write the PRD for roadmap milestone 1.2');

describe('planning a milestone that has no PRD', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('gets a PRD from the planner, retries with the validation errors, writes it to .orch/prds and runs its tasks', async () => {
    const planner: Scenario = times(1, () => textReply(planJson('nobody-at-all')), () => textReply(planJson('backend-engineer')));
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, route([{ when: isPlanning, then: planner }], demoScenario), ROADMAP);
    try {
      const outcome = await fixture.run();
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const written = join(fixture.workspace, '.orch', 'prds', 'PRD-1.2.md');
      assert.ok(existsSync(written), 'the generated PRD is where the user can read it');
      assert.match(readFileSync(written, 'utf8'), /agent: backend-engineer/);
      assert.deepEqual(outcome.snapshot.taskOrder, ['PRD-A/T1', 'PRD-1.2/T1']);
      assert.equal(outcome.snapshot.tasks['PRD-1.2/T1']?.state, 'verified');
      const planningRequests = fixture.model.modelRequests().filter((r) => r.parsed !== undefined && isPlanning(r.parsed));
      const retry = planningRequests.find((r) => r.parsed?.userText.includes('Orch rejected your PRD'));
      assert.ok(retry?.parsed?.userText.includes('nobody-at-all'), 'the second try was told what was wrong');
      assert.deepEqual(Object.keys(outcome.snapshot.attempts).filter((id) => id.startsWith('plan/')), ['plan/1.2#1', 'plan/1.2#2']);
    } finally {
      await fixture.model.close();
    }
  });

  it('fails clearly when the planner never produces a valid PRD', async () => {
    const fixture = await engineFixture(tmp.path, {}, route([{ when: isPlanning, then: () => textReply('I would rather not.') }], demoScenario), ROADMAP);
    try {
      await assert.rejects(fixture.run({ milestones: ['1.2'] }), /the planner gave no valid PRD for milestone 1\.2 in 3 tries[\s\S]*no JSON object/);
    } finally {
      await fixture.model.close();
    }
  });
});
