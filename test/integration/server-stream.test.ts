import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync } from 'node:fs';
import type { OrchEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import { sequenced } from '../support/builders';
import { useTempDir } from '../support/temp-dir';
import { bearer, http, useServedRun } from './server-harness';

const activity = (n: number) => ({ type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'text', text: `step ${n}` } }) as const;

describe('dashboard server: runs, events and the live stream', () => {
  const dir = useTempDir('orch-stream-');
  const served = useServedRun(dir);

  it('lists runs, folds a snapshot identical to the core fold, and pages events after a sequence number', async () => {
    const runs = (await served.authedGet('/api/runs')).json() as { ok: true; value: { runId: string; state: string }[] };
    assert.deepEqual(runs.value.map((r) => [r.runId, r.state]), [['run-1', 'running']]);
    const snapshot = (await served.authedGet('/api/runs/run-1')).json() as { value: unknown };
    assert.deepEqual(snapshot.value, JSON.parse(JSON.stringify(foldEvents(served.log.events))));
    const after = (await served.authedGet('/api/runs/run-1/events?after=8')).json() as { value: { lastSeq: number; events: OrchEvent[] } };
    assert.deepEqual(after.value.events.map((e) => e.seq), [9, 10, 11]);
    assert.equal(after.value.lastSeq, 11);
    const page = (await served.authedGet('/api/runs/run-1/events?after=2&limit=3')).json() as { value: { events: OrchEvent[] } };
    assert.deepEqual(page.value.events.map((e) => e.seq), [3, 4, 5]);
    assert.equal((await served.authedGet('/api/runs/run-1/events?after=-1')).status, 400);
    assert.equal((await served.authedGet('/api/runs/run-1/events?after=abc')).status, 400);
    assert.equal((await served.authedGet('/api/runs/nope')).status, 404);
  });

  it('sees an event appended by another writer on the next request', async () => {
    await served.log.append(activity(1));
    const after = (await served.authedGet('/api/runs/run-1/events?after=11')).json() as { value: { events: OrchEvent[] } };
    assert.deepEqual(after.value.events.map((e) => e.seq), [12]);
  });

  it('streams a snapshot and then each appended event once, in order', async () => {
    const socket = await served.authedSocket();
    socket.send({ type: 'subscribe', runId: 'run-1', after: 0 });
    const [, snap] = await socket.waitFor(2);
    assert.equal(snap?.type, 'snapshot');
    assert.equal(snap?.type === 'snapshot' ? snap.snapshot?.lastSeq : -1, 11);
    for (let n = 1; n <= 20; n += 1) await served.log.append(activity(n));
    while (socket.seqs().length < 20) await socket.waitFor(socket.messages.length + 1);
    assert.deepEqual(socket.seqs(), Array.from({ length: 20 }, (_, i) => 12 + i));
  });

  it('resumes after a reconnect from the last sequence number without gaps or duplicates', async () => {
    const first = await served.authedSocket();
    first.send({ type: 'subscribe', runId: 'run-1', after: 0 });
    await first.waitFor(2);
    await served.log.append(activity(1));
    await first.waitFor(3);
    const lastSeen = Math.max(...first.seqs());
    assert.equal(lastSeen, 12);
    first.ws.close();
    await first.closed;
    // Written while no one is connected.
    for (let n = 2; n <= 6; n += 1) await served.log.append(activity(n));
    const second = await served.authedSocket();
    second.send({ type: 'subscribe', runId: 'run-1', after: lastSeen });
    await second.waitFor(2);
    for (let n = 7; n <= 9; n += 1) await served.log.append(activity(n));
    // The stream is in order: a duplicate or a stray event would come before this last one.
    await served.log.append(activity(10));
    while (!second.seqs().includes(21)) await second.waitFor(second.messages.length + 1);
    assert.deepEqual(second.seqs(), [13, 14, 15, 16, 17, 18, 19, 20, 21]);
    assert.ok(!second.messages.some((m) => m.type === 'snapshot'), 'a resume sends only the missed events');
  });

  it('holds back a half-written line until its newline arrives, then delivers it intact', async () => {
    const paths = workspacePaths(dir.path);
    mkdirSync(paths.runDir('raw'), { recursive: true });
    const events = sequenced('raw', [{ type: 'run.started', roadmapFile: 'r.md', milestones: [] }, { type: 'warning.raised', message: 'x'.repeat(5000) }]);
    const [one, two] = events.map((e) => `${JSON.stringify(e)}\n`) as [string, string];
    appendFileSync(paths.eventsFile('raw'), one + two.slice(0, 1000));
    const socket = await served.authedSocket();
    socket.send({ type: 'subscribe', runId: 'raw', after: 0 });
    const [, snap] = await socket.waitFor(2);
    assert.equal(snap?.type === 'snapshot' ? snap.snapshot?.lastSeq : -1, 1);
    // A request reads the log again, the line still half-written: it holds it back this time too.
    const reread = (await served.authedGet('/api/runs/raw/events?after=0')).json() as { value: { events: OrchEvent[] } };
    assert.deepEqual(reread.value.events.map((e) => e.seq), [1]);
    appendFileSync(paths.eventsFile('raw'), two.slice(1000));
    // Anything sent for the partial line would have come before the event that completes it.
    const [, , update] = await socket.waitFor(3);
    assert.equal(update?.type, 'events', 'nothing for a partial line');
    assert.equal(update?.type === 'events' ? update.events[0]?.type : undefined, 'warning.raised');
    assert.equal(update?.type === 'events' && update.events[0]?.type === 'warning.raised' ? update.events[0].message.length : 0, 5000);
  });

  it('answers an invalid message with an error and an unknown run with an error, keeping the socket', async () => {
    const socket = await served.authedSocket();
    socket.send({ type: 'subscribe', runId: '../etc', after: 0 });
    socket.send({ type: 'subscribe', runId: 'nope', after: 0 });
    const [, bad, unknown] = await socket.waitFor(3);
    assert.equal(bad?.type, 'error');
    assert.match(bad?.type === 'error' ? bad.message : '', /runId/);
    assert.match(unknown?.type === 'error' ? unknown.message : '', /no run "nope"/);
  });

  it('cancels a run with no live process through POST /api/runs/:id/cancel', async () => {
    await served.log.close();
    const reply = await http(served.server.port, { method: 'POST', path: '/api/runs/run-1/cancel', headers: { ...bearer(served.server), Origin: `http://127.0.0.1:${served.server.port}` } });
    assert.equal(reply.status, 200, reply.body);
    const snapshot = (await served.authedGet('/api/runs/run-1')).json() as { value: { state: string } };
    assert.equal(snapshot.value.state, 'cancelled');
  });
});
