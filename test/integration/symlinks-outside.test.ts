import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { claimSuccess, finish, route } from '../../src/scripted-model/scenarios';
import { gitOk } from '../../src/orchestrator/engine/git';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

function taskPrd(task: string): string {
  return `---\nid: PRD-L\nmilestone: "1.1"\ntitle: Links\ntasks:\n${task}---\n# PRD-L\n`;
}

/** Commits a symbolic link into the fixture's repository, as a user's project may hold one. */
async function commitLink(workspace: string, name: string, target: string): Promise<void> {
  symlinkSync(target, join(workspace, name));
  await gitOk(workspace, ['add', name]);
  await gitOk(workspace, ['commit', '-q', '-m', `link ${name}`]);
}

describe('symbolic links that lead out of a task worktree', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('a file check on a committed link to /etc/passwd does not pass for an agent that wrote nothing', async () => {
    const prd = taskPrd('  - id: T1\n    title: Keep the password file\n    description: Nothing to do.\n    agent: backend-engineer\n    verify:\n      - file: etclink\n');
    const fixture = await engineFixture(tmp.path, { 'l.md': prd }, claimSuccess());
    try {
      await commitLink(fixture.workspace, 'etclink', '/etc/passwd');
      const outcome = await fixture.run({ config: { maxAttempts: 1 } });
      const task = outcome.snapshot.tasks['PRD-L/T1'];
      assert.notEqual(task?.state, 'verified');
      assert.match(JSON.stringify(task?.checks), /leads outside the task's worktree.*symbolic link/);
    } finally {
      await fixture.model.close();
    }
  });

  it("an OpenAI-routed agent's output through a committed link to another folder is not written there", async () => {
    const outside = join(tmp.path, 'outside');
    mkdirSync(outside);
    const prd = taskPrd('  - id: T1\n    title: Write the analysis\n    description: Analyse.\n    agent: business-analyst\n    output: linkdir/analysis.md\n    verify:\n      - file: linkdir/analysis.md\n');
    const scenario = route([{ when: (r) => r.api === 'openai', then: finish('# Analysis\n') }], claimSuccess());
    const fixture = await engineFixture(tmp.path, { 'l.md': prd }, scenario);
    try {
      await commitLink(fixture.workspace, 'linkdir', outside);
      const outcome = await fixture.run({ config: { maxAttempts: 1 } });
      assert.equal(existsSync(join(outside, 'analysis.md')), false, 'nothing written outside the worktree');
      const task = outcome.snapshot.tasks['PRD-L/T1'];
      assert.notEqual(task?.state, 'verified');
      const attempt = outcome.snapshot.attempts[task?.attempts[0] ?? ''];
      assert.match(attempt?.message ?? '', /leads outside the task's worktree.*symbolic link/);
    } finally {
      await fixture.model.close();
    }
  });
});
