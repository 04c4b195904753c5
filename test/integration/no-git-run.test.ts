import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrchEvent } from '../../src/protocol/events';
import { finish, promptIncludes, route, steps, useTool, writeTool } from '../../src/scripted-model/scenarios';
import { gitOk } from '../../src/orchestrator/engine/git';
import { engineFixture, setGitIdentity } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';
import { exited } from '../support/process-exit';


const TASK = (id: string, what: string): string => `  - id: ${id}
    title: ${what}
    description: ${what}.
    agent: backend-engineer
    phase: implementation
`;

// No task has a check: what the attempt changed (or its report that nothing was needed) decides.
const PRD = `---
id: PRD-N
milestone: "1.1"
title: In place
tasks:
${TASK('T1', 'Write notes.txt')}${TASK('T2', 'Generate made-by-bash.txt')}${TASK('T3', 'Confirm the config needs no change')}${TASK('T4', 'Tidy up')}---
# In place
`;

describe('orch run --no-git: tasks run in the folder itself, their changes seen without git (real claude CLI)', function () {
  this.timeout(180_000);
  const tmp = useTempDir();

  it('verifies a check-less task that wrote a file (by Write or by Bash) or reported no change, sends back one that did neither, and resumes in place', async () => {
    const scenario = route(
      [
        { when: promptIncludes('## Task T1:'), then: steps([writeTool('notes.txt', 'notes\n')], finish('Wrote notes.txt.')) },
        { when: promptIncludes('## Task T2:'), then: steps([useTool('Bash', { command: 'echo generated > made-by-bash.txt', description: 'generate the file' })], finish('Generated it.')) },
        {
          when: promptIncludes('## Task T3:'),
          then: steps([useTool('mcp__orch__attach_evidence', { kind: 'no-change', path_or_text: 'config.json already has the setting' })], finish('No change needed.')),
        },
      ],
      finish('All tidy.'),
    );
    const f = await engineFixture(tmp.path, { 'n.md': PRD }, scenario);
    try {
      rmSync(join(f.workspace, '.git'), { recursive: true, force: true });
      mkdirSync(join(f.workspace, '.orch'));
      writeFileSync(join(f.workspace, '.orch', 'config.json'), JSON.stringify({ maxAttempts: 1 }));
      const { code, out } = await exited(f.orch(['run', 'roadmap.md', '--no-git', '--no-dashboard', '--parallel', '4']));
      assert.equal(code, 1, `T4 changed nothing, so the run fails:\n${out}`);
      assert.ok(!/preflight/.test(out), out);

      const runId = f.eventsFile()!.split('/').at(-2)!;
      const events = f.events(runId);
      const verified = new Map(events.filter((e): e is Extract<OrchEvent, { type: 'task.verified' }> => e.type === 'task.verified').map((e) => [e.taskId, e.basis]));
      assert.deepEqual(Object.fromEntries(verified), {
        'PRD-N/T1': 'no checks; the attempt changed 1 file(s)',
        'PRD-N/T2': 'no checks; the attempt changed 1 file(s)',
        'PRD-N/T3': 'no checks; the agent reported that no change was needed',
      });
      const defect = events.find((e) => e.type === 'defect.raised' && e.taskId === 'PRD-N/T4');
      assert.match(defect?.type === 'defect.raised' ? defect.reason : '', /changed no file and did not report that no change was needed/);

      // In place, one at a time, and no git anywhere.
      assert.equal(readFileSync(join(f.workspace, 'notes.txt'), 'utf8'), 'notes\n');
      assert.equal(readFileSync(join(f.workspace, 'made-by-bash.txt'), 'utf8'), 'generated\n');
      assert.equal(existsSync(join(f.workspace, '.git')), false);
      assert.equal(existsSync(join(f.workspace, '.orch', 'worktrees')), false);
      const order = events.filter((e) => e.type === 'attempt.started' || e.type === 'task.verified' || e.type === 'task.blocked').map((e) => `${e.type} ${(e as { taskId: string }).taskId}`);
      for (let i = 0; i + 1 < order.length; i++) {
        if (order[i]!.startsWith('attempt.started')) assert.ok(!order[i + 1]!.startsWith('attempt.started'), `two attempts ran at once: ${order.join(', ')}`);
      }

      // A resume stays in place: without --no-git the folder is still no repository...
      const eventsBefore = f.events(runId).length;
      const refused = await exited(f.orch(['resume', runId, '--no-dashboard']));
      assert.equal(refused.code, 2, refused.out);
      assert.match(refused.out, /orch: preflight: .* is not a git repository: .* or pass --no-git/);
      // ...and once it is one, the run's work is still in the folder, not on a branch.
      await gitOk(f.workspace, ['init', '-q', '-b', 'main']);
      await setGitIdentity(f.workspace);
      const switched = await exited(f.orch(['resume', runId, '--no-dashboard']));
      assert.equal(switched.code, 2, switched.out);
      assert.match(switched.out, /ran in the folder itself, without git worktrees \(resume it with --no-git\)/);
      assert.equal(f.events(runId).length, eventsBefore, 'the refused resumes wrote nothing');

      f.model.setScenario(steps([writeTool('tidy.txt', 'tidy\n')], finish('Tidied.')));
      const resumed = await exited(f.orch(['resume', runId, '--no-git', '--no-dashboard']));
      assert.equal(resumed.code, 0, resumed.out);
      const t4 = f.events(runId).find((e) => e.type === 'task.verified' && e.taskId === 'PRD-N/T4');
      assert.equal(t4?.type === 'task.verified' ? t4.basis : undefined, 'no checks; the attempt changed 1 file(s)');
      assert.equal(readFileSync(join(f.workspace, 'tidy.txt'), 'utf8'), 'tidy\n');
      assert.equal(existsSync(join(f.workspace, '.orch', 'worktrees')), false);
    } finally {
      await f.model.close();
    }
  });
});
