import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';

const REPO_ROOT = join(__dirname, '../..');

// `--task` limits which stopped tasks are requeued; the run's pending work (e.g. tasks a budget
// pause deferred) runs as well, so the help must not promise that only those tasks run.
describe('orch resume --task is described truthfully', () => {
  it('in the CLI help', async () => {
    let out = '';
    const code = await runCli(['--help'], { cwd: REPO_ROOT, env: {}, out: (t) => (out += `${t}\n`), err: (t) => (out += `${t}\n`) });
    assert.equal(code, 0);
    const line = out.split('\n').find((l) => l.trimStart().startsWith('resume '));
    assert.match(line ?? '', /--task: requeue only these failed\/blocked tasks; the run's pending work continues/);
  });

  it('in the README', () => {
    const line = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n').find((l) => l.startsWith('orch resume [runId] --task'));
    assert.match(line ?? '', /requeue only these failed, blocked or cancelled tasks .*the run's pending work continues/);
  });
});
