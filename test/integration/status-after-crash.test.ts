import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { hang } from '../../src/scripted-model/scenarios';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';
import { exited } from '../support/process-exit';


describe('orch status after a kill -9', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('says no Orch process runs the run, instead of naming the dead pid', async () => {
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, hang());
    try {
      const run = fixture.orch(['run', 'roadmap.md', '--no-dashboard']);
      await fixture.model.waitFor((r) => r.parsed?.userText.includes('## Task T1:') === true, 60_000);
      const live = await exited(fixture.orch(['status']));
      assert.match(live.out, new RegExp(`: running \\(pid ${run.pid}\\)`), 'a live run names its process');
      run.kill('SIGKILL');
      await new Promise((resolve) => run.once('exit', resolve));
      const status = await exited(fixture.orch(['status']));
      assert.equal(status.code, 0, status.out);
      assert.match(status.out, /: running \(no Orch process is running it: orch resume\)/);
      assert.doesNotMatch(status.out, /pid/);
      await exited(fixture.orch(['cancel']));
    } finally {
      await fixture.model.close();
    }
  });

  it('a run after a crash removes the dashboard file the dead Orch left behind', async () => {
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, demoScenario);
    try {
      const file = join(fixture.workspace, '.orch', 'dashboard.json');
      mkdirSync(join(fixture.workspace, '.orch'), { recursive: true });
      writeFileSync(file, JSON.stringify({ url: 'http://127.0.0.1:1/', port: 1, token: 'from-a-dead-orch' }), { mode: 0o600 });
      const outcome = await fixture.run();
      assert.equal(outcome.result, 'completed');
      assert.equal(existsSync(file), false);
    } finally {
      await fixture.model.close();
    }
  });
});
