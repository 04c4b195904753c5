import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import type { ToClientMessage } from '../../protocol/dashboard-messages';
import { workspacePaths, type WorkspacePaths } from '../workspace/workspace-paths';
import { DashboardSession } from './dashboard-session';
import { RunTails } from './run-tails';

function line(seq: number, roadmapFile = 'roadmap.md'): string {
  return `${JSON.stringify({ type: 'run.started', seq, at: `2026-01-01T00:00:0${seq}.000Z`, runId: 'run-1', roadmapFile, milestones: [] })}\n`;
}

describe('DashboardSession over RunTails', () => {
  const dir = useTempDir('orch-dashboard-session-');
  let paths: WorkspacePaths;
  let tails: RunTails;
  let sent: ToClientMessage[];
  let problems: string[];
  let session: DashboardSession;

  beforeEach(() => {
    paths = workspacePaths(dir.path);
    mkdirSync(dirname(paths.eventsFile('run-1')), { recursive: true });
    writeFileSync(paths.eventsFile('run-1'), line(1) + line(2));
    sent = [];
    problems = [];
    tails = new RunTails(paths, 20, (m) => problems.push(m));
    session = new DashboardSession({ tails, listRuns: () => Promise.resolve([]), send: (m) => sent.push(m) });
  });
  afterEach(async () => {
    session.dispose();
    await tails.closeAll();
  });

  async function until(ok: () => boolean): Promise<void> {
    const tail = await tails.get('run-1');
    while (!ok()) await tail?.refresh();
  }

  it('sends the events a page missed, then each new one once, in order', async () => {
    await session.subscribe({ type: 'subscribe', runId: 'run-1', after: 1 });
    appendFileSync(paths.eventsFile('run-1'), line(3) + line(4).slice(0, 20));
    await until(() => sent.length === 2);
    appendFileSync(paths.eventsFile('run-1'), line(4).slice(20));
    await until(() => sent.length === 3);
    const seqs = sent.map((m) => (m.type === 'events' ? m.events.map((e) => e.seq) : m.type));
    assert.deepEqual(seqs, [[2], [3], [4]]);
    assert.deepEqual(problems, []);
  });

  it('sends a fresh snapshot, not events the page would drop, when the log is replaced by another', async () => {
    await session.subscribe({ type: 'subscribe', runId: 'run-1', after: 0 });
    assert.equal(sent[0]?.type === 'snapshot' && sent[0].snapshot?.lastSeq, 2);
    truncateSync(paths.eventsFile('run-1'), 0);
    appendFileSync(paths.eventsFile('run-1'), line(1, 'other.md'));
    await until(() => sent.length === 2);
    const replaced = sent[1];
    assert.equal(replaced?.type, 'snapshot');
    assert.equal(replaced?.type === 'snapshot' && replaced.snapshot?.roadmapFile, 'other.md');
    assert.equal(replaced?.type === 'snapshot' && replaced.snapshot?.lastSeq, 1);
    const tail = await tails.get('run-1');
    assert.deepEqual(tail?.eventsAfter(0).map((e) => e.seq), [1]);
    assert.match(problems.join('\n'), /events\.jsonl: the log was replaced by another/);
  });
});
