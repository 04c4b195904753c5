import { strict as assert } from 'node:assert';
import { parseHostMessage, parsePageMessage } from '../../src/protocol/webview-messages';

describe('webview messages', () => {
  it('accepts the page messages and refuses extra fields, bad run ids and unknown types', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parsePageMessage({ type: 'control', id: 3, runId: 'r-1', action: 'cancel' }), { ok: true, message: { type: 'control', id: 3, runId: 'r-1', action: 'cancel' } });
    assert.deepEqual(parsePageMessage({ type: 'ready', token: 'x' }).ok, false);
    assert.match(errorOf(parsePageMessage({ type: 'subscribe', runId: '../x', after: 0 })), /^invalid message: runId: /);
    assert.match(errorOf(parsePageMessage({ type: 'subscribe', runId: 'r', after: -1 })), /^invalid message: after: /);
    assert.match(errorOf(parsePageMessage({ type: 'control', id: 1, runId: 'r', action: 'delete' })), /^invalid message: action: /);
    assert.match(errorOf(parsePageMessage(null)), /^invalid message: /);
    assert.deepEqual(parsePageMessage({ type: 'agents', id: 4 }), { ok: true, message: { type: 'agents', id: 4 } });
    assert.match(errorOf(parsePageMessage({ type: 'agents', id: 1.5 })), /^invalid message: id: /);
    assert.equal(parsePageMessage({ type: 'agents', id: 1, all: true }).ok, false);
  });

  it('accepts an answer with its task and text, and refuses an empty or oversized answer or a missing task', () => {
    const answer = { type: 'answer', id: 5, runId: 'r-1', task: 'PRD-1/T2', text: 'Yes' };
    assert.deepEqual(parsePageMessage(answer), { ok: true, message: answer });
    assert.match(errorOf(parsePageMessage({ ...answer, text: '' })), /^invalid message: text: /);
    assert.match(errorOf(parsePageMessage({ ...answer, text: 'x'.repeat(20_001) })), /^invalid message: text: /);
    assert.match(errorOf(parsePageMessage({ type: 'answer', id: 5, runId: 'r-1', text: 'Yes' })), /^invalid message: task: /);
    assert.equal(parsePageMessage({ ...answer, token: 'x' }).ok, false);
  });

  it('checks every field the Agents view shows in an agents answer', () => {
    const agent = { name: 'qa', description: 'Tests', model: 'sonnet', provider: 'claude', tools: null, team: null, phases: ['testing'], source: 'agents/qa.md' };
    const answer = (value: unknown) => ({ type: 'agents', id: 3, reply: { ok: true, value } });
    assert.equal(parseHostMessage(answer({ agents: [agent], invalid: [] })).ok, true);
    assert.equal(parseHostMessage({ type: 'agents', id: 3, reply: { ok: false, error: 'unreadable' } }).ok, true);
    assert.match(errorOf(parseHostMessage(answer({ agents: [{ ...agent, phases: 'testing' }], invalid: [] }))), /^invalid message: reply/);
    assert.match(errorOf(parseHostMessage(answer({ agents: [{ ...agent, team: 3 }], invalid: [] }))), /^invalid message: reply/);
    assert.equal(parseHostMessage(answer({ agents: [agent] })).ok, false);
  });

  it('checks the envelope of what the host sends: event types, sequence numbers, reply shape', () => {
    const event = { seq: 1, type: 'run.started', runId: 'r', at: '2026-01-01T00:00:00Z', roadmapFile: 'roadmap.md', milestones: [] };
    assert.equal(parseHostMessage({ type: 'events', runId: 'r', events: [event] }).ok, true);
    assert.match(errorOf(parseHostMessage({ type: 'events', runId: 'r', events: [{ ...event, type: 'run.exploded' }] })), /^invalid message: events\.0\.type: /);
    assert.match(errorOf(parseHostMessage({ type: 'events', runId: 'r', events: [{ ...event, seq: 0 }] })), /^invalid message: events\.0\.seq: /);
    assert.equal(parseHostMessage({ type: 'snapshot', runId: 'r', snapshot: null }).ok, true);
    assert.equal(parseHostMessage({ type: 'snapshot', runId: 'r', snapshot: { runId: 'r', state: 'running' } }).ok, false);
    assert.equal(parseHostMessage({ type: 'reply', id: 2, reply: { ok: false, error: 'no' } }).ok, true);
    assert.equal(parseHostMessage({ type: 'reply', id: 2, reply: { ok: false } }).ok, false);
    assert.equal(parseHostMessage({ type: 'authenticated', runs: [{ runId: 'r' }] }).ok, false);
  });

  it('accepts a navigate to a milestone, PRD, task or attempt and refuses any other target', () => {
    const attempt = { type: 'navigate', runId: 'r-1', level: 'attempt', id: 'PRD-1/T2#1' };
    assert.deepEqual(parseHostMessage(attempt), { ok: true, message: attempt });
    assert.deepEqual(parseHostMessage({ type: 'navigate', level: 'milestone', id: '0.1' }), { ok: true, message: { type: 'navigate', level: 'milestone', id: '0.1' } });
    assert.match(errorOf(parseHostMessage({ ...attempt, level: 'agents' })), /^invalid message: level: /);
    assert.match(errorOf(parseHostMessage({ ...attempt, id: '' })), /^invalid message: id: /);
    assert.match(errorOf(parseHostMessage({ ...attempt, runId: '../r' })), /^invalid message: runId: /);
    assert.equal(parseHostMessage({ ...attempt, hash: '#/x' }).ok, false);
    assert.equal(parseHostMessage({ type: 'navigate', runId: 'r-1', level: 'task' }).ok, false);
  });
});

function errorOf(parsed: { ok: boolean; error?: string }): string {
  return parsed.ok ? '(parsed)' : (parsed.error ?? '');
}
