import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/cli-io';
import { runCli } from '../../src/cli/run-cli';
import { acquireRunLock } from '../../src/orchestrator/engine/run-lock';
import { git, gitOk } from '../../src/orchestrator/engine/git';
import { writeDashboardFile } from '../../src/server/dashboard-file';
import { useTempDir } from '../support/temp-dir';

describe("Orch's run-time files and git status", () => {
  const dir = useTempDir('orch-runtime-ignore-');

  async function repo(): Promise<CliIo> {
    await gitOk(dir.path, ['init', '-q', '-b', 'main']);
    const out: string[] = [];
    return { cwd: dir.path, env: {}, out: (t) => void out.push(t), err: (t) => void out.push(t) };
  }
  const untracked = async () => (await gitOk(dir.path, ['status', '--porcelain', '--untracked-files=all'])).trim();

  it('keeps a token, the audit log, the run lock and the dashboard file out of git status, and what a team commits in it', async () => {
    const io = await repo();
    assert.equal(await runCli(['token', 'create', '--name', 'ci', '--scope', 'read'], io), 0);
    const orch = join(dir.path, '.orch');
    const release = await acquireRunLock(join(orch, 'lock.json'), { runId: 'r1', command: 'run' });
    await writeDashboardFile(join(orch, 'dashboard.json'), { url: 'http://127.0.0.1:1', port: 1, token: 't' });
    mkdirSync(join(orch, 'runs', 'r1'), { recursive: true });
    writeFileSync(join(orch, 'runs', 'r1', 'events.jsonl'), '{}\n');
    writeFileSync(join(orch, 'orch.json'), '{}\n');
    assert.equal(await untracked(), '');
    await release();

    writeFileSync(join(orch, 'config.json'), '{"parallel": 2}\n');
    mkdirSync(join(orch, 'agents'));
    writeFileSync(join(orch, 'agents', 'dev.md'), '---\nname: dev\n---\nx\n');
    writeFileSync(join(orch, 'teams.yaml'), 'web: [dev]\n');
    assert.deepEqual((await untracked()).split('\n').sort(), ['?? .orch/agents/dev.md', '?? .orch/config.json', '?? .orch/teams.yaml']);
  });

  it("leaves a .gitignore of the user's in .orch as it is", async () => {
    const io = await repo();
    mkdirSync(join(dir.path, '.orch'));
    writeFileSync(join(dir.path, '.orch', '.gitignore'), 'mine\n');
    assert.equal(await runCli(['token', 'create', '--name', 'ci', '--scope', 'read'], io), 0);
    assert.equal(readFileSync(join(dir.path, '.orch', '.gitignore'), 'utf8'), 'mine\n');
    assert.equal((await git(dir.path, ['check-ignore', '-q', '.orch/tokens.json'])).code, 1);
  });
});
