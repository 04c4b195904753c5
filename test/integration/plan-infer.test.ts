import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { toolResultsFor } from '../../src/scripted-model/planner-scenarios';
import { finish, promptIncludes, route, steps, useTool } from '../../src/scripted-model/scenarios';
import { CLAUDE_BIN } from '../support/claude-harness';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const FREE_FORM = `Our plans for the shop

First we get the basics out: an orders page that shows every open order (two weeks), then customer
accounts. Later, reports for the owner.
`;

const SUBMIT = 'mcp__orch__submit_roadmap';

describe('orch plan --infer', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('has the planner structure a free-form roadmap through submit_roadmap, fixing errors in the same turn, and prints the plan', async () => {
    const bad = { title: 'Shop', phases: [{ title: 'Basics', milestones: [] }] };
    const good = {
      title: 'Shop',
      phases: [
        { title: 'Basics', milestones: [{ title: 'Orders page', duration: '2 weeks', features: ['Every open order'] }, { title: 'Customer accounts' }] },
        { title: 'Later', milestones: [{ title: 'Reports for the owner' }] },
      ],
    };
    const planner = steps([useTool(SUBMIT, bad), useTool(SUBMIT, good)], finish('Submitted.'));
    const isInfer = promptIncludes('Structure the free-form roadmap');
    const fixture = await engineFixture(tmp.path, {}, route([{ when: isInfer, then: planner }], demoScenario));
    try {
      writeFileSync(join(fixture.workspace, 'free.md'), FREE_FORM);
      const child = fixture.orch(['plan', 'free.md', '--infer', '--json', '--claude-path', CLAUDE_BIN]);
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 0, stderr);
      const plan = JSON.parse(stdout) as { phases: { id: string; title: string; milestones: { id: string; title: string }[] }[] };
      assert.deepEqual(
        plan.phases.map((p) => [p.id, p.title, p.milestones.map((m) => `${m.id} ${m.title}`)]),
        [
          ['1', 'Basics', ['1.1 Orders page', '1.2 Customer accounts']],
          ['2', 'Later', ['2.1 Reports for the owner']],
        ],
      );
      const requests = fixture.model.modelRequests().filter((r) => r.parsed !== undefined && isInfer(r.parsed));
      assert.ok(requests[0]?.parsed?.promptText.includes('every open order (two weeks)'), 'the planner got the free-form text');
      const results = toolResultsFor(requests.at(-1)!.parsed!, SUBMIT);
      assert.equal(results[0]?.isError, true);
      assert.match(results[0]?.text ?? '', /phases\[0\]\.milestones must be a non-empty list/);
      assert.match(results[1]?.text ?? '', /^Accepted: 2 phase\(s\), 3 milestone\(s\)/);
    } finally {
      await fixture.model.close();
    }
  });
});
