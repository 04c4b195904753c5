import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { submitPrd, SUBMIT_PRD_TOOL, toolResultsFor } from '../../src/scripted-model/planner-scenarios';
import { textReply } from '../../src/scripted-model/reply';
import { finish, promptIncludes, route, steps, times, type Scenario } from '../../src/scripted-model/scenarios';
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

function planOf(agent: string, body = '# Changelog\n\nThe first release, written down.'): Record<string, unknown> {
  return {
    id: 'PRD-1.2',
    milestone: '1.2',
    title: 'Changelog',
    body,
    tasks: [
      { id: 'T1', title: 'Write the changelog', description: 'Create CHANGELOG.md with a 0.1.0 entry.', agent, phase: 'implementation', depends: [], verify: [{ file: 'CHANGELOG.md' }] },
    ],
  };
}

function planJson(agent: string): string {
  return JSON.stringify(planOf(agent));
}

/** A real PRD's size: tens of KB of Markdown, with a last line that proves nothing was cut. */
function longBody(): string {
  const section = (n: number): string => `## Section ${n}\n\n${'The changelog lists every user-visible change with its version and date. '.repeat(12)}\n\n\`\`\`ts\nexport const section${n} = ${n};\n\`\`\`\n`;
  return `# Changelog\n\n${Array.from({ length: 50 }, (_, i) => section(i + 1)).join('\n')}\nLAST LINE OF THE BODY\n`;
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

  it('takes the PRD through submit_prd: the errors come back as the tool result and the corrected call in the same turn is accepted', async () => {
    const planner = steps([submitPrd(planOf('nobody-at-all')), submitPrd(planOf('backend-engineer'))], finish('Submitted.'));
    const fixture = await engineFixture(tmp.path, {}, route([{ when: isPlanning, then: planner }], demoScenario), ROADMAP);
    try {
      const outcome = await fixture.run({ milestones: ['1.2'] });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      assert.deepEqual(Object.keys(outcome.snapshot.attempts).filter((id) => id.startsWith('plan/')), ['plan/1.2#1'], 'one attempt, not one per error');
      const planning = fixture.model.modelRequests().filter((r) => r.parsed !== undefined && isPlanning(r.parsed));
      assert.ok(planning[0]?.parsed?.tools.includes(SUBMIT_PRD_TOOL), 'the planner is offered submit_prd');
      const results = toolResultsFor(planning.at(-1)!.parsed!, SUBMIT_PRD_TOOL);
      assert.equal(results.length, 2);
      assert.equal(results[0]?.isError, true);
      assert.match(results[0]?.text ?? '', /nobody-at-all/);
      assert.match(results[1]?.text ?? '', /^Accepted: PRD-1\.2/);
      assert.match(readFileSync(join(fixture.workspace, '.orch', 'prds', 'PRD-1.2.md'), 'utf8'), /agent: backend-engineer/);
      const taskRequests = fixture.model.modelRequests().filter((r) => r.parsed?.userText.includes('## Task T1'));
      assert.ok(taskRequests.length > 0);
      assert.ok(!taskRequests.some((r) => r.parsed?.tools.includes(SUBMIT_PRD_TOOL)), 'only the planner attempt gets submit_prd');
    } finally {
      await fixture.model.close();
    }
  });

  it('accepts a PRD of tens of KB whole, through submit_prd with prose and a fenced copy around it', async () => {
    const body = longBody();
    const prose = `Here is the plan.\n\n\`\`\`json\n${JSON.stringify(planOf('backend-engineer', body), null, 2)}\n\`\`\`\n\nSubmitting it now.`;
    const planner = steps([submitPrd({ title: 'Changelog', body, tasks: planOf('backend-engineer').tasks }, prose)], finish('Submitted.'));
    const fixture = await engineFixture(tmp.path, {}, route([{ when: isPlanning, then: planner }], demoScenario), ROADMAP);
    try {
      const outcome = await fixture.run({ milestones: ['1.2'] });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      assert.ok(body.length > 30_000, `the body is ${body.length} characters`);
      const written = readFileSync(join(fixture.workspace, '.orch', 'prds', 'PRD-1.2.md'), 'utf8');
      assert.ok(written.includes(body), 'the whole body, not the 4,000 characters an event keeps');
      assert.deepEqual(Object.keys(outcome.snapshot.attempts).filter((id) => id.startsWith('plan/')), ['plan/1.2#1']);
    } finally {
      await fixture.model.close();
    }
  });

  it('accepts a PRD of tens of KB given as reply text with prose and a fence around it, read whole from the artifacts', async () => {
    const body = longBody();
    const reply = `I read the repository. The plan:\n\n\`\`\`json\n${JSON.stringify(planOf('backend-engineer', body), null, 2)}\n\`\`\`\n\nThat covers the milestone.`;
    const fixture = await engineFixture(tmp.path, {}, route([{ when: isPlanning, then: () => textReply(reply) }], demoScenario), ROADMAP);
    try {
      const outcome = await fixture.run({ milestones: ['1.2'] });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      assert.ok(readFileSync(join(fixture.workspace, '.orch', 'prds', 'PRD-1.2.md'), 'utf8').includes(body));
      assert.deepEqual(Object.keys(outcome.snapshot.attempts).filter((id) => id.startsWith('plan/')), ['plan/1.2#1']);
    } finally {
      await fixture.model.close();
    }
  });
});
