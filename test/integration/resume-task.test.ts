import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { finish as finishReply, promptIncludes, route } from '../../src/scripted-model/scenarios';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

function finish(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

describe('orch resume --task: retry single tasks (processes)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('requeues only the named blocked task, keeps the other blocked one blocked, and refuses unknown, ambiguous or verified ids with exit 2', async () => {
    // PRD-A/T1 and PRD-B/T1 fail are blocked (the model answers without writing their files, one attempt allowed); PRD-A/T2 is verified.
    const failing = route([{ when: promptIncludes('`a.txt`'), then: finishReply('Done.') }, { when: promptIncludes('`c.txt`'), then: finishReply('Done.') }], demoScenario);
    const fixture = await engineFixture(
      tmp.path,
      { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }, { id: 'T2', file: 'b.txt' }]), 'b.md': prd('PRD-B', [{ id: 'T1', file: 'c.txt' }]) },
      failing,
    );
    mkdirSync(join(fixture.workspace, '.orch'));
    writeFileSync(join(fixture.workspace, '.orch', 'config.json'), JSON.stringify({ maxAttempts: 1 }));
    try {
      const first = await finish(fixture.orch(['run', 'roadmap.md', '--no-dashboard']));
      assert.equal(first.code, 1, first.out);
      const runId = fixture.eventsFile()!.split('/').at(-2)!;
      const states = () => Object.fromEntries(statesOf(fixture.events(runId)));
      assert.deepEqual(states(), { 'PRD-A/T1': 'blocked', 'PRD-A/T2': 'verified', 'PRD-B/T1': 'blocked' });
      const eventsBefore = fixture.events(runId).length;

      const refused = [
        { ids: ['T1'], error: /task "T1" is ambiguous: PRD-A\/T1, PRD-B\/T1; name it with its PRD/ },
        { ids: ['PRD-A/T9', 'T7'], error: /no task "PRD-A\/T9" in run \S+; no task "T7" in run \S+ \(tasks that can be retried: PRD-A\/T1, PRD-B\/T1\)/ },
        { ids: ['T2'], error: /task PRD-A\/T2 is verified; only failed, blocked, cancelled tasks can be retried/ },
      ];
      for (const { ids, error } of refused) {
        const result = await finish(fixture.orch(['resume', runId, '--no-dashboard', ...ids.flatMap((id) => ['--task', id])]));
        assert.equal(result.code, 2, result.out);
        assert.match(result.out, error);
        assert.match(result.out, /events\.jsonl: /, 'the error names the run log');
      }
      assert.equal(fixture.events(runId).length, eventsBefore, 'a refused retry writes nothing');

      fixture.model.setScenario(demoScenario);
      const retried = await finish(fixture.orch(['resume', runId, '--no-dashboard', '--task', 'PRD-A/T1']));
      assert.match(retried.out, /retrying PRD-A\/T1 in run /);
      assert.equal(retried.code, 1, `PRD-B/T1 is still blocked, so the run fails: ${retried.out}`);
      assert.deepEqual(states(), { 'PRD-A/T1': 'verified', 'PRD-A/T2': 'verified', 'PRD-B/T1': 'blocked' });
      const after = fixture.events(runId).slice(eventsBefore);
      assert.deepEqual(after.filter((e) => e.type === 'task.requeued').map((e) => (e as { taskId: string }).taskId), ['PRD-A/T1']);
      assert.deepEqual([...new Set(after.filter((e) => e.type === 'attempt.started').map((e) => (e as { taskId: string }).taskId))], ['PRD-A/T1']);

      const rest = await finish(fixture.orch(['resume', runId, '--no-dashboard', '--task', 'PRD-B/T1']));
      assert.equal(rest.code, 0, rest.out);
      assert.deepEqual(states(), { 'PRD-A/T1': 'verified', 'PRD-A/T2': 'verified', 'PRD-B/T1': 'verified' });
    } finally {
      await fixture.model.close();
    }
  });
});

function statesOf(events: readonly { type: string; taskId?: string }[]): Map<string, string> {
  const states = new Map<string, string>();
  const ends: Record<string, string> = { 'task.verified': 'verified', 'task.failed': 'failed', 'task.blocked': 'blocked', 'task.requeued': 'pending', 'task.cancelled': 'cancelled' };
  for (const e of events) if (e.taskId !== undefined && ends[e.type] !== undefined) states.set(e.taskId, ends[e.type]!);
  return new Map([...states].sort(([a], [b]) => a.localeCompare(b)));
}
