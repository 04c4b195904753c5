import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldEvents } from '../../protocol/fold';
import { alertOf } from '../../protocol/events-alerts';
import type { NewEvent, OrchEvent } from '../../protocol/events';
import { defaultConfig, parseConfig, type AlertWebhook } from '../config/orch-config';
import { EventLog } from '../events/event-log';
import { AlertDispatcher } from './alert-dispatcher';
import { httpAlertPorts } from './http-alert-ports';
import { startAlerts } from './start-alerts';

/** A webhook receiver on 127.0.0.1 that answers 500 to its first `failures` requests. */
async function receiver(failures: number): Promise<{ url: string; bodies: unknown[]; hits: () => number; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  let hits = 0;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      hits += 1;
      if (hits <= failures) {
        res.writeHead(500).end('down');
        return;
      }
      bodies.push(JSON.parse(text));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/secret-part`,
    bodies,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const ALL: AlertWebhook['events'] = ['blocked', 'needs-input', 'budget', 'failed', 'completed', 'defect'];

// The events of a run that raise each kind of alert there is an event for today, in order.
const RUN: readonly NewEvent[] = [
  { type: 'run.started', roadmapFile: '/w/roadmap.md', milestones: [] },
  { type: 'defect.raised', taskId: 'P/T1', attemptId: 'P/T1#1', reason: 'one.txt is missing', checks: [] },
  { type: 'task.blocked', taskId: 'P/T1', reason: 'not verified after 3 attempts <@here> & more' },
  { type: 'task.failed', taskId: 'P/T2', reason: 'auth: invalid key', checks: [] },
  { type: 'run.paused', reason: 'budget', message: '$5.00 spent' },
  { type: 'run.paused', reason: 'user', message: 'paused by you' },
  { type: 'run.resumed' },
  { type: 'message.sent', messageId: 'm1', from: 'P/T3', to: 'person', text: 'Which port?', kind: 'question' },
  { type: 'run.finished', state: 'completed' },
];

describe('alert webhooks', function () {
  this.timeout(30_000);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-alerts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function runWith(webhooks: readonly AlertWebhook[], delays?: readonly number[]): Promise<OrchEvent[]> {
    const log = await EventLog.open(join(dir, 'events.jsonl'), 'r1');
    const dispatcher = new AlertDispatcher(webhooks, (e) => log.append(e), httpAlertPorts, '/w', delays);
    log.subscribe((e) => dispatcher.handle(e));
    for (const event of RUN) await log.append(event);
    await dispatcher.drain();
    await log.close();
    return [...log.events];
  }

  it('delivers each kind once, in order, after the receiver failed twice, recording every try with its backoff', async () => {
    const hook = await receiver(2);
    try {
      const events = await runWith([{ url: hook.url, events: ALL, format: 'json' }]);
      const bodies = hook.bodies as { kind: string; seq: number; runId: string; type: string; taskId: string | null; event: string }[];
      assert.deepEqual(bodies.map((b) => b.kind), ['defect', 'blocked', 'failed', 'budget', 'needs-input', 'completed']);
      assert.deepEqual(bodies[1], { ...bodies[1], type: 'orch.alert', runId: 'r1', seq: 3, taskId: 'P/T1', event: 'task.blocked' });
      const failed = events.filter((e) => e.type === 'alert.deliveryFailed');
      assert.deepEqual(failed.map((e) => [e.attempt, e.retryInMs, e.error]), [[1, 500, 'HTTP 500'], [2, 1000, 'HTTP 500']]);
      const delivered = events.filter((e) => e.type === 'alert.delivered');
      assert.deepEqual(delivered.map((e) => [e.kind, e.attempts]), [['defect', 3], ['blocked', 1], ['failed', 1], ['budget', 1], ['needs-input', 1], ['completed', 1]]);
      assert.ok(!JSON.stringify(events).includes('secret-part'), 'the webhook URL, a credential, stays out of the log');
      const snapshot = foldEvents(events)!;
      assert.deepEqual(snapshot.alerts?.map((a) => [a.kind, a.delivered, a.undelivered]), [['defect', [0], []], ['blocked', [0], []], ['failed', [0], []], ['budget', [0], []], ['needs-input', [0], []], ['completed', [0], []]]);
    } finally {
      await hook.close();
    }
  });

  it('sends only the kinds a webhook asks for, as Slack text when asked, with no mention or link smuggled in', async () => {
    const hook = await receiver(0);
    try {
      await runWith([{ url: hook.url, events: ['blocked', 'completed'], format: 'slack' }]);
      assert.deepEqual(hook.bodies, [{ text: ':no_entry: Orch run r1: P/T1 is blocked: not verified after 3 attempts &lt;@here&gt; &amp; more' }, { text: ':white_check_mark: Orch run r1: run r1 completed' }]);
    } finally {
      await hook.close();
    }
  });

  it('raises one warning for a webhook that keeps failing, not one per alert, and tries it once per later alert', async () => {
    const hook = await receiver(1000);
    const good = await receiver(0);
    try {
      const events = await runWith([{ url: hook.url, events: ALL, format: 'json' }, { url: good.url, events: ALL, format: 'json' }], [5, 5]);
      const warnings = events.filter((e) => e.type === 'warning.raised');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!.type === 'warning.raised' ? warnings[0]!.message : '', /alert webhook #1 \(127\.0\.0\.1:\d+\) keeps failing/);
      assert.equal(hook.hits(), 3 + 5, 'three tries for the first alert, one for each of the five after it');
      assert.equal(good.bodies.length, 6, 'the other webhook is not held back');
      assert.deepEqual(foldEvents(events)!.alerts?.map((a) => a.undelivered), [[0], [0], [0], [0], [0], [0]]);
    } finally {
      await hook.close();
      await good.close();
    }
  });

  it('on resume, sends what the last Orch left undelivered, to the webhooks it was sending to', async () => {
    const hook = await receiver(0);
    const added = await receiver(0);
    try {
      const file = join(dir, 'events.jsonl');
      const before = await EventLog.open(file, 'r1');
      for (const event of RUN.slice(0, 3)) await before.append(event);
      // Killed mid-retry of the defect alert (seq 2), before any try of the blocked one (seq 3).
      await before.append({ type: 'alert.deliveryFailed', sourceSeq: 2, kind: 'defect', webhook: 0, host: 'h', attempt: 1, error: 'HTTP 500', retryInMs: 500 });
      await before.close();
      const log = await EventLog.open(file, 'r1');
      const alerts = startAlerts([{ url: hook.url, events: ALL, format: 'json' }, { url: added.url, events: ALL, format: 'json' }], log, '/w', httpAlertPorts);
      await log.append({ type: 'run.resumed' });
      await alerts.drain();
      await log.close();
      assert.deepEqual((hook.bodies as { seq: number }[]).map((b) => b.seq), [2, 3]);
      assert.deepEqual(added.bodies, [], 'a webhook added since gets no old alerts');
      assert.deepEqual(log.events.filter((e) => e.type === 'alert.delivered').map((e) => e.type === 'alert.delivered' && [e.sourceSeq, e.webhook]), [[2, 0], [3, 0]]);
    } finally {
      await hook.close();
      await added.close();
    }
  });

  it('a question to the person needs input; a defect raises one alert, not one more for its record', () => {
    const at = { seq: 9, at: '2026-01-01T00:00:00Z', runId: 'r1' };
    const asked: OrchEvent = { ...at, type: 'message.sent', messageId: 'm1', from: 'P/T2', to: 'person', text: 'Which port?', kind: 'question' };
    assert.deepEqual(alertOf(asked), { kind: 'needs-input', taskId: 'P/T2', message: 'P/T2 needs input: Which port?' });
    const told: OrchEvent = { ...at, type: 'message.sent', messageId: 'm2', from: 'P/T2', to: 'P/T3', text: 'done with the schema', kind: 'message' };
    assert.equal(alertOf(told), undefined);
    const opened: OrchEvent = { ...at, type: 'defect.opened', defectId: 'D1', taskId: 'P/T2', attemptId: 'P/T2#1', source: 'check', severity: 'major', category: 'missing-file', owner: { agent: 'dev', model: 'sonnet' }, summary: 'no test for the error path' };
    assert.equal(alertOf(opened), undefined);
  });

  it('is off by default, and the config refuses an unknown kind or a non-http URL', () => {
    assert.deepEqual(defaultConfig.alerts, []);
    assert.throws(() => parseConfig('{"alerts": [{"url": "http://127.0.0.1:1/x", "events": ["exploded"]}]}', 'c.json'), /alerts\.0\.events\.0/);
    assert.throws(() => parseConfig('{"alerts": [{"url": "ftp://x/y", "events": ["failed"]}]}', 'c.json'), /http:\/\/ or https:\/\//);
  });
});
