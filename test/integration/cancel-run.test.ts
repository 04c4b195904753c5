import { strict as assert } from 'node:assert';
import { basename, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findMarkedProcesses } from '../../src/orchestrator/runner/process-group';
import { hang } from '../../src/scripted-model/scenarios';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';
import { exited } from '../support/process-exit';

/** Live processes that carry the run's marker in their environment: agents and their children. */
function processesOfRun(runId: string): number[] {
  return findMarkedProcesses(`ORCH_RUN_ID=${runId}`);
}


describe('orch cancel', function () {
  this.timeout(240_000);
  const tmp = useTempDir();

  it('stops a running run from another process: exit 130, tasks cancelled, no agent process left', async () => {
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }, { id: 'T2', file: 'b.txt' }]) }, hang());
    try {
      const run = fixture.orch(['run', 'roadmap.md', '--no-dashboard', '--parallel', '2']);
      const runExit = exited(run);
      await fixture.model.waitFor((r) => r.parsed?.userText.includes('## Task T2:') === true, 60_000);
      await fixture.model.waitFor((r) => r.parsed?.userText.includes('## Task T1:') === true, 60_000);
      const runId = basename(dirname(fixture.eventsFile()!));
      assert.ok(processesOfRun(runId).length >= 2, 'both agents are running before the cancel');

      const cancel = await exited(fixture.orch(['cancel']));
      assert.equal(cancel.code, 0, cancel.out);
      assert.match(cancel.out, new RegExp(`run ${runId} cancelled`));
      const { code } = await runExit;
      assert.equal(code, 130);

      for (let waited = 0; processesOfRun(runId).length > 0 && waited < 10_000; waited += 200) await sleep(200);
      assert.deepEqual(processesOfRun(runId), [], 'no process of the run survives');
      const status = JSON.parse((await exited(fixture.orch(['status', '--json']))).out) as { state: string; tasks: { state: string }[] };
      assert.equal(status.state, 'cancelled');
      assert.deepEqual(status.tasks.map((t) => t.state), ['cancelled', 'cancelled']);
    } finally {
      await fixture.model.close();
    }
  });

  it('cancels a run whose Orch process is gone, stopping the agents it left behind', async () => {
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, hang());
    try {
      const run = fixture.orch(['run', 'roadmap.md', '--no-dashboard']);
      await fixture.model.waitFor((r) => r.parsed?.userText.includes('## Task T1:') === true, 60_000);
      const runId = basename(dirname(fixture.eventsFile()!));
      run.kill('SIGKILL');
      await new Promise((resolve) => run.once('exit', resolve));
      assert.ok(processesOfRun(runId).length >= 1, 'the agent outlived its Orch');

      const cancel = await exited(fixture.orch(['cancel']));
      assert.equal(cancel.code, 0, cancel.out);
      assert.match(cancel.out, /stopped \d+ leftover agent process/);
      for (let waited = 0; processesOfRun(runId).length > 0 && waited < 10_000; waited += 200) await sleep(200);
      assert.deepEqual(processesOfRun(runId), []);
      const status = JSON.parse((await exited(fixture.orch(['status', '--json']))).out) as { state: string };
      assert.equal(status.state, 'cancelled');
    } finally {
      await fixture.model.close();
    }
  });
});
