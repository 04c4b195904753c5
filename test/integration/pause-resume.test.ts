import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { slow } from '../../src/scripted-model/scenarios';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

function post(url: URL, path: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: url.port, path, method: 'POST', headers: { Authorization: `Bearer ${token}`, Host: url.host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    if (check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('pause and resume from the dashboard', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('pauses a live run (running tasks finish, none starts), then resumes it to completion', async () => {
    const tasks = [{ id: 'T1', file: 'a.txt' }, { id: 'T2', file: 'b.txt', depends: ['T1'] }, { id: 'T3', file: 'c.txt', depends: ['T2'] }];
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', tasks) }, slow(400, demoScenario));
    try {
      const run = fixture.orch(['run', 'roadmap.md', '--port', '0']);
      let out = '';
      run.stdout?.on('data', (c: Buffer) => (out += c.toString()));
      const exit = new Promise<number | null>((resolve) => run.once('exit', resolve));
      await until(() => /dashboard: (\S+)#token=([0-9a-f]+)/.test(out) && fixture.eventsFile() !== undefined, 'the dashboard URL');
      const [, base, token] = /dashboard: (\S+)#token=([0-9a-f]+)/.exec(out)!;
      const url = new URL(base!);
      const runId = fixture.eventsFile()!.split('/').at(-2)!;
      const log = () => readFileSync(fixture.eventsFile()!, 'utf8');
      await until(() => log().includes('"attempt.started"'), 'the first attempt');

      const paused = await post(url, `/api/runs/${runId}/pause`, token!);
      assert.equal(paused.status, 200, paused.body);
      await until(() => log().includes('"type":"run.paused","reason":"user"'), 'run.paused');
      const startedWhilePaused = () => log().split('\n').filter((l) => l.includes('"attempt.started"')).length;
      const before = startedWhilePaused();
      await sleep(1500);
      assert.equal(startedWhilePaused(), before, 'no attempt starts while paused');
      assert.equal(run.exitCode, null, 'the paused run keeps its process and lock');

      const resumed = await post(url, `/api/runs/${runId}/resume`, token!);
      assert.equal(resumed.status, 200, resumed.body);
      assert.equal(await exit, 0, out);
      assert.match(log(), /"type":"run\.resumed"/);
      assert.match(log(), /"type":"run\.finished","state":"completed"/);
    } finally {
      await fixture.model.close();
    }
  });
});
