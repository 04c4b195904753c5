import assert from 'node:assert/strict';
import type { MessageSnapshot } from '../../src/protocol/fold-messages';
import { deliveryLabel, filterMessages, threads } from '../../webview/src/lib/message-list';

function m(id: string, extra: Partial<MessageSnapshot> = {}): MessageSnapshot {
  return { id, from: 'PRD-1/T1', fromAgent: 'backend-engineer', to: 'PRD-1/T2', toAgent: 'qa-engineer', text: id, kind: 'message', state: 'pending', sentAt: '2026-12-02T00:00:00.000Z', ...extra };
}

describe('the Messages view queries', () => {
  it('threads a broadcast\'s copies together and a reply under what it answers', () => {
    const list = [
      m('m1', { kind: 'broadcast', broadcastId: 'b1' }),
      m('m2', { kind: 'broadcast', broadcastId: 'b1', to: 'PRD-1/T3' }),
      m('m3', { kind: 'question', from: 'PRD-1/T2', to: 'person' }),
      m('m4', { kind: 'answer', from: 'person', to: 'PRD-1/T2', inReplyTo: 'm3' }),
      m('m5'),
    ];
    assert.deepEqual(threads(list).map((t) => [t.head.id, ...t.rest.map((r) => r.id)]), [['m1', 'm2'], ['m3', 'm4'], ['m5']]);
  });

  it('filters by agent on either side and by task on either side', () => {
    const list = [m('m1'), m('m2', { from: 'PRD-2/T1', fromAgent: 'architect', to: 'PRD-1/T3', toAgent: 'devops-engineer' })];
    assert.deepEqual(filterMessages(list, { agent: 'qa-engineer' }).map((x) => x.id), ['m1']);
    assert.deepEqual(filterMessages(list, { task: 'PRD-1/T3' }).map((x) => x.id), ['m2']);
    assert.deepEqual(filterMessages(list, { agent: 'architect', task: 'PRD-1/T2' }).map((x) => x.id), []);
  });

  it('says how each message was delivered, or why it came back', () => {
    assert.equal(deliveryLabel(m('m1', { state: 'delivered', via: 'live', attemptId: 'PRD-1/T2#1' })), 'delivered mid-turn (PRD-1/T2#1)');
    assert.equal(deliveryLabel(m('m1', { state: 'returned', reason: 'PRD-1/T2 has finished (verified)' })), 'returned: PRD-1/T2 has finished (verified)');
  });
});
