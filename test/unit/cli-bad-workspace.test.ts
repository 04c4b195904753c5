import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';

// Bad input is exit 2 naming what is wrong, before anything is made or asked: a --workspace that
// is not a folder is never created for the command, and a missing roadmap never reaches the planner.
describe('orch with a missing workspace or roadmap', () => {
  let root = '';
  before(() => (root = mkdtempSync(join(tmpdir(), 'orch bad input '))));
  after(() => rmSync(root, { recursive: true, force: true }));

  async function orch(args: readonly string[]): Promise<{ code: number; err: string }> {
    let err = '';
    const code = await runCli(args, { cwd: root, env: {}, out: () => undefined, err: (t) => (err += `${t}\n`) });
    return { code, err };
  }

  for (const args of [['serve', '--port', '0'], ['token', 'create', '--name', 'ci', '--scope', 'read'], ['backup'], ['status'], ['plan', 'roadmap.md']]) {
    it(`orch ${args[0]} --workspace on a missing folder exits 2 and makes no folder`, async () => {
      const missing = join(root, `no ${args[0]} here`);
      const { code, err } = await orch([...args, '--workspace', missing]);
      assert.equal(code, 2, err);
      assert.ok(err.includes(`workspace ${missing} is not a directory`), err);
      assert.equal(existsSync(missing), false);
    });
  }

  it('orch plan --infer on a missing roadmap exits 2 naming it, without asking the planner', async () => {
    const { code, err } = await orch(['plan', 'notes missing.md', '--infer']);
    assert.equal(code, 2, err);
    assert.ok(err.includes(`${join(root, 'notes missing.md')}: roadmap file not found`), err);
    assert.doesNotMatch(err, /asking the planner/);
  });

  it('orch plan --infer --estimate is a usage error (exit 2) before the planner is asked', async () => {
    const { code, err } = await orch(['plan', 'notes.md', '--infer', '--estimate']);
    assert.equal(code, 2, err);
    assert.match(err, /--infer and --estimate do not go together/);
    assert.doesNotMatch(err, /asking the planner/);
  });
});
