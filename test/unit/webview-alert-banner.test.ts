import { strict as assert } from 'node:assert';
import { foldEvents } from '../../src/protocol/fold';
import { alertBanner } from '../../webview/src/lib/alert-banner';
import { sequenced } from '../support/builders';

const run = foldEvents(
  sequenced('r', [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
    { type: 'defect.raised', taskId: 'P/T1', attemptId: 'P/T1#1', reason: 'one.txt is missing', checks: [] },
    { type: 'alert.deliveryFailed', sourceSeq: 2, kind: 'defect', webhook: 0, host: 'h', attempt: 1, error: 'HTTP 500', retryInMs: 500 },
    { type: 'alert.delivered', sourceSeq: 2, kind: 'defect', webhook: 0, host: 'h', attempts: 2 },
    { type: 'alert.deliveryFailed', sourceSeq: 2, kind: 'defect', webhook: 1, host: 'k', attempt: 1, error: 'ECONNREFUSED' },
    { type: 'task.blocked', taskId: 'P/T1', reason: 'not verified after 1 attempts' },
    { type: 'run.paused', reason: 'user', message: 'paused by you' },
    { type: 'run.paused', reason: 'budget', message: '$1.00 spent' },
    { type: 'run.finished', state: 'failed' },
  ]),
)!;

describe('webview alert banner', () => {
  it('shows the newest alerts first, with their task and how the webhooks took them', () => {
    const banner = alertBanner(run.alerts, 0, 3);
    assert.deepEqual(banner.items.map((i) => [i.label, i.tone, i.taskId ?? null]), [['Failed', 'bad', null], ['Budget', 'busy', null], ['Blocked', 'bad', 'P/T1']]);
    assert.equal(banner.more, 1);
    assert.equal(alertBanner(run.alerts, 0, 10).items.at(-1)?.delivery, 'sent to 1 webhook, 1 webhook failed');
  });

  it('hides what was dismissed until a newer alert comes', () => {
    const newest = alertBanner(run.alerts, 0).items[0]!.seq;
    assert.deepEqual(alertBanner(run.alerts, newest).items, []);
    assert.deepEqual(alertBanner(run.alerts, 6).items.map((i) => i.label), ['Failed', 'Budget']);
    assert.deepEqual(alertBanner(undefined, 0), { items: [], more: 0 });
  });
});
