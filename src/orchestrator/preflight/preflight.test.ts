import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstProgram, preflight, type PreflightInput } from './preflight';
import { nodePreflightPorts } from './preflight-ports';

describe('preflight: the worktree setup command', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-preflight-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'bin', 'pnpm'), '#!/bin/sh\n');
    chmodSync(join(dir, 'bin', 'pnpm'), 0o755);
    writeFileSync(join(dir, 'scripts', 'setup.sh'), '#!/bin/sh\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // Only the setup is under test: no provider, no browser, no git.
  const input = (setupCommand: string): PreflightInput => ({
    workspace: dir,
    env: { PATH: join(dir, 'bin') },
    needs: { providers: new Map(), browserTasks: [] },
    claudePath: 'claude',
    claudePathFrom: 'test',
    chromiumPath: '/nonexistent',
    git: false,
    setupCommand,
  });

  it('finds the first program on PATH, after any NAME=value, and lets shell words through', async () => {
    for (const command of ['pnpm install --frozen-lockfile', 'CI=1 pnpm install', 'cd app && pnpm install', '"pnpm" i']) {
      assert.deepEqual(await preflight(input(command), nodePreflightPorts), [], command);
    }
  });

  it('names a program missing from PATH, and a path that is not an executable file', async () => {
    assert.deepEqual(await preflight(input('npm ci'), nodePreflightPorts), [
      'the worktree setup command `npm ci` runs npm, which is not on PATH: install it, or change worktree.setup in .orch/config.json',
    ]);
    const [problem] = await preflight(input('./scripts/setup.sh --fast'), nodePreflightPorts);
    assert.match(problem ?? '', new RegExp(`runs ./scripts/setup.sh, which is not an executable file \\(looked at ${dir}/scripts/setup.sh\\): .*chmod \\+x`));
  });

  it('reads the program of a command', () => {
    assert.equal(firstProgram('  FOO=1 BAR=2 make setup'), 'make');
    assert.equal(firstProgram('"pnpm" i'), 'pnpm');
    assert.equal(firstProgram('true;'), 'true');
    assert.equal(firstProgram('   '), undefined);
  });
});
