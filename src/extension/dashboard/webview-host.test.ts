import { reassignDefect } from '../../orchestrator/defects/reassign-defect';
import { strict as assert } from 'node:assert';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventLog } from '../../orchestrator/events/event-log';
import { workspacePaths } from '../../orchestrator/workspace/workspace-paths';
import { foldEvents } from '../../protocol/fold';
import type { HostMessage } from '../../protocol/webview-messages';
import { listRuns } from '../../orchestrator/views/list-runs';
import { readAgents } from '../../orchestrator/views/read-agents';
import { readRunHistory } from '../../orchestrator/views/run-history';
import { RunTails } from '../../orchestrator/views/run-tails';
import { REPO, sampleRunEvents, writeRun } from '../../../test/integration/server-harness';
import { useTempDir } from '../../../test/support/temp-dir';
import { answerRun } from './answer-run';
import { controlRun } from './control-run';
import { evidenceDataUrl } from '../../orchestrator/views/read-evidence';
import { WebviewHost } from './webview-host';

const activity = (n: number) => ({ type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'text', text: `step ${n}` } }) as const;

describe('dashboard webview host (postMessage side)', () => {
  const dir = useTempDir('orch-webview-host-');
  let log: EventLog;
  let tails: RunTails;
  let posted: HostMessage[];
  let problems: string[];
  let host: WebviewHost;
  const agentsDir = join(REPO, 'agents');

  beforeEach(async () => {
    log = await writeRun(dir.path, 'run-1', sampleRunEvents());
    const paths = workspacePaths(dir.path);
    tails = new RunTails(paths, 50, (m) => problems.push(m));
    posted = [];
    problems = [];
    host = new WebviewHost({
      tails,
      listRuns: () => listRuns(paths),
      control: (runId, action) => controlRun(paths, runId, action),
      answer: (runId, task, text) => answerRun(paths, tails, runId, task, text),
      reassignDefect: async (runId, defectId, to) => ({ ok: true, value: await reassignDefect({ paths, builtinAgentsDir: agentsDir, homeDir: dir.path }, runId, defectId, to, 'vscode') }),
      listAgents: () => readAgents({ workspace: dir.path, builtinAgentsDir: agentsDir, homeDir: dir.path }),
      evidence: (runId, file) => evidenceDataUrl(paths, runId, file),
      history: (roadmap) => readRunHistory(paths, roadmap),
      post: (m) => posted.push(m),
      onProblem: (m) => problems.push(m),
    });
  });
  afterEach(async () => {
    host.detach();
    await tails.closeAll();
    await log.close();
  });

  async function waitFor(count: number): Promise<HostMessage[]> {
    for (let i = 0; i < 400 && posted.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(posted.length >= count, `expected ${count} messages, got ${JSON.stringify(posted.map((m) => m.type))}`);
    return posted.splice(0, count);
  }

  it('answers ready with the run list, a subscribe with the core fold, then streams appended events', async () => {
    host.receive({ type: 'ready' });
    const [hello] = await waitFor(1);
    assert.equal(hello?.type, 'authenticated');
    assert.deepEqual(hello?.type === 'authenticated' && hello.runs.map((r) => [r.runId, r.state]), [['run-1', 'running']]);
    host.receive({ type: 'subscribe', runId: 'run-1', after: 0 });
    const [snapshot] = await waitFor(1);
    assert.deepEqual(snapshot, { type: 'snapshot', runId: 'run-1', snapshot: foldEvents(log.events) });
    await log.append(activity(1));
    await log.append(activity(2));
    const streamed: number[] = [];
    while (streamed.length < 2) {
      const [m] = await waitFor(1);
      assert.equal(m?.type, 'events');
      if (m?.type === 'events') streamed.push(...m.events.map((e) => e.seq));
    }
    assert.deepEqual(streamed, [12, 13]);
  });

  it('sends a page that comes back only the events after its last sequence number', async () => {
    host.receive({ type: 'ready' });
    await waitFor(1);
    await log.append(activity(1));
    host.receive({ type: 'subscribe', runId: 'run-1', after: 10 });
    const [missed] = await waitFor(1);
    assert.deepEqual(missed?.type === 'events' && missed.events.map((e) => e.seq), [11, 12]);
  });

  it('stops streaming to a detached page and starts over on its next ready', async () => {
    host.receive({ type: 'ready' });
    host.receive({ type: 'subscribe', runId: 'run-1', after: 0 });
    await waitFor(2);
    host.detach();
    await log.append(activity(1));
    await tails.get('run-1');
    assert.deepEqual(posted, []);
    host.receive({ type: 'subscribe', runId: 'run-1', after: 0 });
    assert.deepEqual(posted, [{ type: 'error', message: 'subscribe before ready' }]);
  });

  it('refuses malformed messages, quoting the field, and unknown runs', async () => {
    host.receive({ type: 'subscribe', runId: '../etc', after: 0 });
    host.receive({ type: 'auth', token: 'x' });
    host.receive('not an object');
    assert.equal(posted.length, 3);
    assert.match(posted[0]?.type === 'error' ? posted[0].message : '', /^invalid message: runId: /);
    assert.match(posted[1]?.type === 'error' ? posted[1].message : '', /^invalid message: type: /);
    assert.equal(problems.length, 3);
    posted.length = 0;
    host.receive({ type: 'ready' });
    await waitFor(1);
    host.receive({ type: 'subscribe', runId: 'run-2', after: 0 });
    assert.deepEqual(await waitFor(1), [{ type: 'error', message: 'no run "run-2" in this workspace' }]);
  });

  it('answers commands with the REST reply shape: cancel through the core, pause only to a live run', async () => {
    host.receive({ type: 'control', id: 7, runId: 'run-1', action: 'pause' });
    const [pause] = await waitFor(1);
    assert.equal(pause?.type === 'reply' && pause.id, 7);
    assert.match(pause?.type === 'reply' && !pause.reply.ok ? pause.reply.error : '', /\/\.orch\/lock\.json: no Orch process is running run run-1 here \(a run that is not running cannot be paused\)$/);
    host.receive({ type: 'control', id: 8, runId: 'run-1', action: 'cancel' });
    const [cancel] = await waitFor(1);
    assert.equal(cancel?.type === 'reply' && cancel.id, 8);
    assert.deepEqual(cancel?.type === 'reply' && cancel.reply.ok && (cancel.reply.value as { kind: string }).kind, 'cancelled');
    await log.close();
    log = await writeRun(dir.path, 'run-1', []);
    assert.equal(foldEvents(log.events)?.state, 'cancelled');
  });

  it('answers an answer request through the shared answer function, and refuses an empty answer before it', async () => {
    host.receive({ type: 'answer', id: 9, runId: 'run-1', task: 'PRD-1/T1', text: '' });
    assert.match(posted[0]?.type === 'error' ? posted[0].message : '', /^invalid message: text: /);
    posted.length = 0;
    host.receive({ type: 'answer', id: 10, runId: 'run-1', task: 'PRD-1/T1', text: 'yes' });
    const [reply] = await waitFor(1);
    assert.equal(reply?.type === 'reply' && reply.id, 10);
    assert.match(reply?.type === 'reply' && !reply.reply.ok ? reply.reply.error : '', /PRD-1\/T1 has no open question in run run-1/);
  });

  it('answers a reassignDefect request through the core, and refuses a malformed one', async () => {
    host.receive({ type: 'reassignDefect', id: 21, runId: 'run-1', defectId: 'D1', agent: 'qa-engineer' });
    const [reply] = await waitFor(1);
    assert.deepEqual(reply, { type: 'reply', id: 21, reply: { ok: false, error: 'run run-1 has no defect D1' } });
    posted.length = 0;
    host.receive({ type: 'reassignDefect', id: 22, runId: 'run-1', defectId: 'D1', agent: '' });
    const [refused] = await waitFor(1);
    assert.match(refused?.type === 'error' ? refused.message : '', /^invalid message: agent: /);
  });

  it('answers an agents request with the registry, matched by its id', async () => {
    mkdirSync(join(dir.path, '.orch', 'agents'), { recursive: true });
    writeFileSync(join(dir.path, '.orch', 'agents', 'docs-writer.md'), '---\nname: docs-writer\ndescription: Writes the guide.\nmodel: haiku\nphases: [implementation]\n---\n\nWrite.\n');
    host.receive({ type: 'agents', id: 12 });
    const [answer] = await waitFor(1);
    assert.equal(answer?.type === 'agents' && answer.id, 12);
    const reply = answer?.type === 'agents' ? answer.reply : undefined;
    assert.ok(reply?.ok, JSON.stringify(reply));
    const own = reply.value.agents.find((a) => a.name === 'docs-writer');
    assert.deepEqual(own && [own.description, own.model, own.team, own.phases, own.source.endsWith('docs-writer.md')], ['Writes the guide.', 'haiku', null, ['implementation'], true]);
    assert.ok(reply.value.agents.some((a) => a.name === 'qa-engineer'), 'built-in roster included');
  });

  it('answers a history request with one point per run of the roadmap, as GET /api/v1/history reads it', async () => {
    const second = await writeRun(dir.path, 'run-2', [...sampleRunEvents(), { type: 'run.finished', state: 'completed' }]);
    await second.close();
    host.receive({ type: 'history', id: 21, roadmap: 'roadmap.md' });
    const [answer] = await waitFor(1);
    assert.equal(answer?.type, 'reply');
    const reply = answer?.type === 'reply' ? answer.reply : undefined;
    assert.ok(reply?.ok === true, JSON.stringify(reply));
    const history = reply.value as { runs: { runId: string; verified: number; tasks: number; costPerVerifiedUsd: number | null; state: string }[] };
    assert.deepEqual(history.runs.map((r) => r.runId).sort(), ['run-1', 'run-2']);
    const done = history.runs.find((r) => r.runId === 'run-2');
    assert.deepEqual(done && [done.state, done.verified, done.tasks, done.costPerVerifiedUsd], ['completed', 1, 3, 0.42]);
    host.receive({ type: 'history', id: 22, roadmap: 'other.md' });
    const [none] = await waitFor(1);
    assert.deepEqual(none, { type: 'reply', id: 22, reply: { ok: true, value: { roadmapFile: 'other.md', runs: [] } } });
  });

  it('answers an agents request with an error reply when the registry cannot be read', async () => {
    const failing = new WebviewHost({
      tails,
      listRuns: async () => [],
      control: async () => ({ ok: false, error: 'unused' }),
      answer: async () => ({ ok: false, error: 'unused' }),
      reassignDefect: async () => ({ ok: false, error: 'unused' }),
      evidence: async () => ({ ok: false, error: 'unused' }),
      listAgents: () => Promise.reject(new Error('EIO: i/o error, scandir agents')),
      history: () => Promise.reject(new Error('unused')),
      post: (m) => posted.push(m),
      onProblem: (m) => problems.push(m),
    });
    failing.receive({ type: 'agents', id: 13 });
    const [answer] = await waitFor(1);
    assert.deepEqual(answer, { type: 'agents', id: 13, reply: { ok: false, error: 'could not read the agent registry: EIO: i/o error, scandir agents' } });
  });

  it("answers an evidence request with the file as a data: URL, and refuses any name that leaves the run's evidence", async () => {
    const evidence = workspacePaths(dir.path).evidenceDir('run-1');
    mkdirSync(evidence, { recursive: true });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    writeFileSync(join(evidence, 'PRD-1-T1-1-check1.png'), png);
    writeFileSync(join(dir.path, 'secret.png'), png);
    symlinkSync(join(dir.path, 'secret.png'), join(evidence, 'link-out.png'));
    host.receive({ type: 'evidence', id: 1, runId: 'run-1', file: 'PRD-1-T1-1-check1.png' });
    const [shown] = await waitFor(1);
    assert.deepEqual(shown, { type: 'reply', id: 1, reply: { ok: true, value: `data:image/png;base64,${png.toString('base64')}` } });
    const refused = ['../events.jsonl', '..', 'link-out.png', 'missing.png', '%2e%2e%2fevents.jsonl', 'events.jsonl'];
    for (const [i, file] of refused.entries()) host.receive({ type: 'evidence', id: 10 + i, runId: 'run-1', file });
    host.receive({ type: 'evidence', id: 20, runId: '../run-1', file: 'PRD-1-T1-1-check1.png' });
    const replies = await waitFor(refused.length + 1);
    for (const reply of replies) assert.ok(reply.type === 'error' || (reply.type === 'reply' && !reply.reply.ok), JSON.stringify(reply));
    assert.equal(replies.filter((r) => r.type === 'reply').length, refused.length, 'the bad run id is refused by the message schema');
  });

  it('holds a navigate until the page is ready and has its run list, then sends it once', async () => {
    host.navigate({ runId: 'run-1', level: 'task', id: 'PRD-1/T2' });
    host.receive({ type: 'ready' });
    // Posts keep their order: a navigate sent before the page was ready would come before its hello.
    const [hello, navigate] = await waitFor(2);
    assert.equal(hello?.type, 'authenticated');
    assert.deepEqual(navigate, { type: 'navigate', runId: 'run-1', level: 'task', id: 'PRD-1/T2' });
    host.navigate({ runId: 'run-1', level: 'attempt', id: 'PRD-1/T2#1' });
    assert.deepEqual(await waitFor(1), [{ type: 'navigate', runId: 'run-1', level: 'attempt', id: 'PRD-1/T2#1' }]);
    // A hidden page is gone: the next navigate waits for the reloaded page.
    host.detach();
    host.navigate({ runId: 'run-1', level: 'prd', id: 'PRD-1' });
    host.receive({ type: 'ready' });
    const [again, held] = await waitFor(2);
    assert.equal(again?.type, 'authenticated');
    assert.deepEqual(held, { type: 'navigate', runId: 'run-1', level: 'prd', id: 'PRD-1' });
    // The page asked for nothing else: a second copy of any navigate would be here.
    host.navigate({ runId: 'run-1', level: 'task', id: 'PRD-1/T1' });
    assert.deepEqual(await waitFor(1), [{ type: 'navigate', runId: 'run-1', level: 'task', id: 'PRD-1/T1' }]);
  });
});
