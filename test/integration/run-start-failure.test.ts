import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

describe('a run that cannot start its work', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('is failed with the reason in its log, never left running', async () => {
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, demoScenario);
    try {
      // A file where the task worktrees go: no worktree can be added there.
      mkdirSync(join(fixture.workspace, '.orch'), { recursive: true });
      writeFileSync(join(fixture.workspace, '.orch', 'worktrees'), 'in the way\n');
      await assert.rejects(fixture.run());
      const runId = basename(dirname(fixture.eventsFile()!));
      const events = fixture.events(runId);
      const last = events.at(-1);
      assert.deepEqual(last?.type === 'run.finished' ? last.state : last?.type, 'failed');
      const warning = events.find((e) => e.type === 'warning.raised');
      assert.match(warning?.type === 'warning.raised' ? warning.message : '', /^the run stopped: ./);
      assert.equal(fixture.model.modelRequests().length, 0, 'no model call was paid for');
    } finally {
      await fixture.model.close();
    }
  });
});
