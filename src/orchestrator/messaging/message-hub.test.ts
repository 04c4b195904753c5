import assert from 'node:assert/strict';
import type { TaskState } from '../../protocol/domain';
import type { NewEvent, OrchEvent } from '../../protocol/events';
import { foldEvent } from '../../protocol/fold';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import type { Member } from './address-book';
import { resolveRecipient, resolveScope } from './address-book';
import { MessageHub } from './message-hub';

const MEMBERS: Member[] = [
  { taskId: 'PRD-1/T1', agent: 'backend-engineer', team: 'core', state: 'running' },
  { taskId: 'PRD-1/T2', agent: 'frontend-engineer', team: 'web', state: 'running' },
  { taskId: 'PRD-1/T3', agent: 'qa-engineer', state: 'pending' },
  { taskId: 'PRD-2/T1', agent: 'devops-engineer', team: 'core', state: 'verified' },
  { taskId: 'PRD-2/T2', agent: 'frontend-engineer', team: 'web', state: 'pending' },
];

/** A run with these tasks, folded from real events as the engine writes them. */
function hubOver(members: readonly Member[]): { hub: MessageHub; state: () => RunSnapshot; events: OrchEvent[]; append: (e: NewEvent) => Promise<OrchEvent> } {
  const events: OrchEvent[] = [];
  let state: RunSnapshot | undefined;
  const append = (body: NewEvent): Promise<OrchEvent> => {
    const event = { ...body, seq: events.length + 1, at: new Date(Date.UTC(2026, 0, 1, 0, 0, events.length)).toISOString(), runId: 'r1' } as OrchEvent;
    events.push(event);
    state = foldEvent(state, event);
    return Promise.resolve(event);
  };
  const tasks = members.map((m) => {
    const [prd, id] = m.taskId.split('/') as [string, string];
    return { prd, id };
  });
  const prds = [...new Set(tasks.map((t) => t.prd))].map((prd) => ({ id: prd, title: prd, milestoneId: '1.1', source: { file: `${prd}.md`, line: 1 }, tasks: tasks.filter((t) => t.prd === prd).map((t) => ({ id: t.id, title: t.id, description: '', depends: [], verify: [], source: { file: `${prd}.md`, line: 1 } })) }));
  void append({ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] });
  void append({ type: 'plan.loaded', roadmap: { title: 'r', source: { file: 'roadmap.md', line: 1 }, phases: [{ id: '1', title: 'p', milestones: [{ id: '1.1', title: 'm', features: [], successMetrics: [], prds }] }] } as never });
  const setState = (id: string, s: TaskState): void => {
    if (s === 'running') void append({ type: 'attempt.started', taskId: id, attemptId: `${id}#1`, agent: 'a', model: 'm', prompt: '' });
    if (s === 'verified') void append({ type: 'task.verified', taskId: id, checks: [], basis: 'test' });
  };
  for (const m of members) setState(m.taskId, m.state);
  const hub = new MessageHub({ append, state: () => state!, members: () => members.map((m) => ({ ...m, state: state!.tasks[m.taskId]!.state })) });
  return { hub, state: () => state!, events, append };
}

describe('message addresses', () => {
  it('resolves a short task id in the sender\'s PRD first, a qualified id, an agent name and person', () => {
    assert.deepEqual(resolveRecipient(MEMBERS, 'PRD-1/T1', 'T2'), { to: ['PRD-1/T2'] });
    assert.deepEqual(resolveRecipient(MEMBERS, 'PRD-1/T1', 'PRD-2/T2'), { to: ['PRD-2/T2'] });
    assert.deepEqual(resolveRecipient(MEMBERS, 'PRD-1/T1', 'qa-engineer'), { to: ['PRD-1/T3'] });
    assert.deepEqual(resolveRecipient(MEMBERS, 'PRD-1/T1', 'frontend-engineer'), { to: ['PRD-1/T2'] }, 'its running task');
    assert.deepEqual(resolveRecipient(MEMBERS, 'PRD-1/T1', 'Person'), { to: ['person'] });
  });

  it('refuses an unknown name listing every valid one, and the sender itself', () => {
    const r = resolveRecipient(MEMBERS, 'PRD-1/T1', 'bakend');
    assert.ok('error' in r);
    assert.match(r.error, /unknown recipient "bakend": nothing was sent\. Valid names: backend-engineer, devops-engineer, frontend-engineer, qa-engineer, PRD-1\/T2, PRD-1\/T3, PRD-2\/T1, PRD-2\/T2, person/);
    assert.ok('error' in resolveRecipient(MEMBERS, 'PRD-1/T1', 'T1'));
    assert.ok('error' in resolveRecipient(MEMBERS, 'PRD-1/T1', '  '));
  });

  it('scopes a broadcast to the PRD, the run or a team, leaving out the sender and finished tasks', () => {
    assert.deepEqual(resolveScope(MEMBERS, 'PRD-1/T1', 'prd'), { to: ['PRD-1/T2', 'PRD-1/T3'] });
    assert.deepEqual(resolveScope(MEMBERS, 'PRD-1/T1', 'run'), { to: ['PRD-1/T2', 'PRD-1/T3', 'PRD-2/T2'] });
    assert.deepEqual(resolveScope(MEMBERS, 'PRD-1/T1', 'web'), { to: ['PRD-1/T2', 'PRD-2/T2'] });
    const bad = resolveScope(MEMBERS, 'PRD-1/T1', 'everyone');
    assert.ok('error' in bad);
    assert.match(bad.error, /Valid scopes: prd, run, core, web/);
  });
});

describe('the message hub', () => {
  it('records a message before answering, delivers it once, and marks it read from the inbox', async () => {
    const { hub, state, events } = hubOver(MEMBERS);
    const answer = await hub.send({ taskId: 'PRD-1/T1', agent: 'backend-engineer', attemptId: 'PRD-1/T1#1' }, 'T2', 'hello');
    assert.equal(answer.text, 'Sent m1 to PRD-1/T2: it reaches the agent after its current tool call.');
    assert.equal(state().messages?.[0]?.state, 'pending');
    const live = await hub.takeLive('PRD-1/T2', 'PRD-1/T2#1');
    assert.match(live, /\[m1\] message from PRD-1\/T1 \(backend-engineer\) at .*:\nhello/);
    assert.equal(await hub.takeLive('PRD-1/T2', 'PRD-1/T2#1'), '', 'delivered once');
    assert.equal(events.filter((e) => e.type === 'message.delivered').length, 1);
    const inbox = await hub.readInbox('PRD-1/T2', 'PRD-1/T2#1');
    assert.match(inbox.text, /hello/);
    assert.equal(state().messages?.[0]?.state, 'read');
  });

  it("tells a running attempt's live delivery when a message for its task is sent, outside the log's listeners, until it stops listening", async () => {
    const { hub, events } = hubOver(MEMBERS);
    const from = { taskId: 'PRD-1/T1', agent: 'backend-engineer' };
    let told = 0;
    const stop = hub.portFor({ taskId: 'PRD-1/T2', agent: 'frontend-engineer', attemptId: 'PRD-1/T2#1' }).onArrival(() => told++);
    const sendAndObserve = async (to: string, text: string): Promise<void> => {
      await hub.send(from, to, text);
      hub.observe(events.findLast((e) => e.type === 'message.sent')!);
    };
    await sendAndObserve('T2', 'hello');
    assert.equal(told, 0, 'not from inside the listener');
    await new Promise((r) => setImmediate(r));
    assert.equal(told, 1);
    await sendAndObserve('T3', 'for another task');
    await new Promise((r) => setImmediate(r));
    assert.equal(told, 1);
    stop();
    await sendAndObserve('T2', 'after the attempt ended');
    await new Promise((r) => setImmediate(r));
    assert.equal(told, 1);
  });

  it('keeps a message to a task not started for its brief, and returns one to a finished task with the reason', async () => {
    const { hub, state } = hubOver(MEMBERS);
    const from = { taskId: 'PRD-1/T1', agent: 'backend-engineer' };
    assert.match((await hub.send(from, 'T3', 'later')).text, /in its brief when it starts/);
    const brief = hub.pendingBrief('PRD-1/T3');
    assert.deepEqual(brief.ids, ['m1']);
    assert.match(brief.text, /## Messages for you[\s\S]*later/);
    await hub.deliveredInBrief(brief.ids, 'PRD-1/T3#1');
    assert.equal(state().messages?.[0]?.via, 'brief');
    const late = await hub.send(from, 'PRD-2/T1', 'too late');
    assert.match(late.text, /returned: PRD-2\/T1 has finished \(verified\)/);
    assert.equal(state().messages?.[1]?.state, 'returned');
  });

  it('answers an unknown recipient with an error and records nothing', async () => {
    const { hub, state } = hubOver(MEMBERS);
    const answer = await hub.send({ taskId: 'PRD-1/T1', agent: 'backend-engineer' }, 'nobody', 'x');
    assert.equal(answer.isError, true);
    assert.equal(state().messages, undefined);
  });

  it('returns what still waits for a task once it has finished, and only that', async () => {
    const members: Member[] = [
      { taskId: 'PRD-1/T1', agent: 'a', state: 'running' },
      { taskId: 'PRD-1/T2', agent: 'b', state: 'running' },
      { taskId: 'PRD-1/T3', agent: 'c', state: 'running' },
    ];
    const { hub, state, append } = hubOver(members);
    await hub.send({ taskId: 'PRD-1/T1', agent: 'a' }, 'T2', 'hi');
    await hub.send({ taskId: 'PRD-1/T1', agent: 'a' }, 'T3', 'hi too');
    await append({ type: 'task.verified', taskId: 'PRD-1/T2', checks: [], basis: 'test' });
    await hub.returnUndeliverable();
    assert.deepEqual(state().messages?.map((m) => m.state), ['returned', 'pending']);
    assert.match(state().messages?.[0]?.reason ?? '', /PRD-1\/T2 finished \(verified\) before it took the message/);
  });
});

describe('handoffs', () => {
  it('sends a verified task\'s files and summary to the dependents already running, and to no other', async () => {
    const members: Member[] = [
      { taskId: 'PRD-1/T1', agent: 'a', state: 'running' },
      { taskId: 'PRD-1/T2', agent: 'b', state: 'running' },
      { taskId: 'PRD-1/T3', agent: 'c', state: 'pending' },
    ];
    const { state, append } = hubOver(members);
    // T2 and T3 depend on T1 (T2 is reworking while T1 went through again).
    const depends = (s: RunSnapshot): RunSnapshot => ({ ...s, tasks: { ...s.tasks, 'PRD-1/T2': { ...s.tasks['PRD-1/T2']!, depends: ['PRD-1/T1'] }, 'PRD-1/T3': { ...s.tasks['PRD-1/T3']!, depends: ['PRD-1/T1'] } } });
    await append({ type: 'attempt.activity', attemptId: 'PRD-1/T1#1', activity: { kind: 'text', text: 'Added the API on port 4321.' } });
    await append({ type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 0, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 });
    await append({ type: 'task.merged', taskId: 'PRD-1/T1', branch: 'b', files: ['src/api.ts'] });
    await append({ type: 'task.verified', taskId: 'PRD-1/T1', checks: [], basis: 'test' });
    const withDepends = new MessageHub({ append, state: () => depends(state()), members: () => members });
    await withDepends.handOff('PRD-1/T1');
    assert.deepEqual(state().messages?.map((m) => [m.kind, m.from, m.to]), [['handoff', 'PRD-1/T1', 'PRD-1/T2']]);
    assert.match(state().messages?.[0]?.text ?? '', /PRD-1\/T1 \(T1\) is verified and merged\.\nFiles: src\/api\.ts\.\nIts summary: Added the API on port 4321\./);
  });
});
