import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { gitOk } from '../../src/orchestrator/engine/git';
import { CLAUDE_BIN } from '../support/claude-harness';
import { engineFixture, prd, REPO_ROOT } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

describe('preflight: a git too old to merge without a checkout', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('refuses to start (exit 2), naming the version found, and touches nothing', async () => {
    const f = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, demoScenario);
    try {
      // The real git for everything but the version it reports: as an old distribution's git would.
      const bin = join(tmp.path, 'old-git');
      mkdirSync(bin);
      const realGit = (await gitOk(tmp.path, ['--exec-path'])).trim().replace(/\/libexec\/git-core$/, '/bin/git');
      writeFileSync(join(bin, 'git'), `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "git version 2.34.1"; exit 0; fi\nexec ${existsSync(realGit) ? realGit : '/usr/bin/git'} "$@"\n`);
      chmodSync(join(bin, 'git'), 0o755);
      const child = spawn(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts'), 'run', 'roadmap.md', '--no-dashboard', '--claude-path', CLAUDE_BIN, '--workspace', f.workspace], {
        cwd: f.workspace,
        env: { ...f.env, PATH: `${bin}:${f.env.PATH ?? ''}` },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      assert.equal(code, 2, err);
      assert.deepEqual(
        err.split('\n').filter((l) => l.startsWith('orch: preflight: ')),
        ['orch: preflight: git 2.34.1 is too old: Orch merges each task with `git merge-tree --write-tree`, which needs git 2.38 or later: upgrade git, or pass --no-git to run the tasks one at a time in the folder itself'],
      );
      assert.equal(existsSync(join(f.workspace, '.orch', 'runs')), false, 'a run was started');
      assert.equal((await gitOk(f.workspace, ['branch', '--list', 'orch/*'])).trim(), '', 'an orch branch was created');
      assert.equal(f.model.requests.length, 0);
    } finally {
      await f.model.close();
    }
  });
});
