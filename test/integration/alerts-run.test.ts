import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { claimSuccess } from '../../src/scripted-model/scenarios';
import type { AlertPayload } from '../../src/orchestrator/alerts/alert-payload';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

describe('alert webhooks on a real run', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it("posts the run's defect, blocked and failed alerts to a receiver on 127.0.0.1 that fails twice first", async () => {
    const received: AlertPayload[] = [];
    let hits = 0;
    const server: Server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        hits += 1;
        if (hits <= 2) return void res.writeHead(503).end();
        received.push(JSON.parse(text) as AlertPayload);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // The agent says it is done without writing its file: verification raises a defect, and with
    // one attempt allowed the task is blocked and the run ends failed.
    const fx = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'never.txt' }]) }, claimSuccess());
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orch`;
      const outcome = await fx.run({ config: { maxAttempts: 1, alerts: [{ url, events: ['defect', 'blocked', 'failed', 'completed'], format: 'json' }] } });
      assert.equal(outcome.snapshot.state, 'failed');
      assert.deepEqual(received.map((p) => [p.kind, p.taskId, p.event]), [['defect', 'PRD-A/T1', 'defect.raised'], ['blocked', 'PRD-A/T1', 'task.blocked'], ['failed', null, 'run.finished']]);
      assert.ok(received.every((p) => p.type === 'orch.alert' && p.version === 1 && p.runId === outcome.runId && p.workspace === fx.workspace));
      const events = fx.events(outcome.runId);
      assert.deepEqual(events.filter((e) => e.type === 'alert.deliveryFailed').map((e) => e.type === 'alert.deliveryFailed' && [e.kind, e.attempt, e.error]), [['defect', 1, 'HTTP 503'], ['defect', 2, 'HTTP 503']]);
      assert.deepEqual(events.filter((e) => e.type === 'alert.delivered').map((e) => e.type === 'alert.delivered' && [e.kind, e.attempts]), [['defect', 3], ['blocked', 1], ['failed', 1]]);
      // Delivered before the log closed: the last alert's record is in the log after run.finished.
      assert.equal(events.at(-1)?.type, 'alert.delivered');
      assert.deepEqual(outcome.snapshot.alerts?.map((a) => a.kind), ['defect', 'blocked', 'failed']);
    } finally {
      await fx.model.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
