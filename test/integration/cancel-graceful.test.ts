import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hang, steps, useTool } from '../../src/scripted-model/scenarios';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

describe('Ctrl-C on orch run', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('gives a running agent SIGTERM and its grace period before anything is killed', async () => {
    const ready = join(tmp.path, 'ready.txt');
    const termed = join(tmp.path, 'termed.txt');
    // The agent's command cleans up on SIGTERM for a moment (a busy loop: a child process would
    // get the SIGTERM too), then notes it; a SIGKILL during or instead of that leaves no note.
    const command = `trap 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; echo TERM > ${termed}; exit 0' TERM; echo up > ${ready}; while true; do sleep 0.1; done`;
    const scenario = steps([useTool('Bash', { command, description: 'a long-running job', timeout: 600_000 })], hang());
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, scenario);
    try {
      const run = fixture.orch(['run', 'roadmap.md', '--no-dashboard']);
      let out = '';
      run.stderr?.on('data', (c: Buffer) => (out += c.toString()));
      const exit = new Promise<number | null>((resolve) => run.once('exit', resolve));
      for (let waited = 0; !existsSync(ready) && waited < 60_000; waited += 100) await sleep(100);
      assert.ok(existsSync(ready), `the agent's command started\n${out}`);

      run.kill('SIGINT');
      assert.equal(await exit, 130, out);
      assert.ok(existsSync(termed), `the agent's command was killed without a SIGTERM first\n${out}`);
      assert.equal(readFileSync(termed, 'utf8').trim(), 'TERM');
    } finally {
      await fixture.model.close();
    }
  });
});
