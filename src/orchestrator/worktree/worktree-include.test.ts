import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { gitOk } from '../engine/git';
import { parsePatterns } from './ignore-patterns';
import { includedPaths, readIncludePatterns } from './worktree-include';
import { missingSetupHint } from './setup-hint';

function write(root: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('.worktreeinclude selection', () => {
  const tmp = useTempDir();

  it('takes only gitignored paths the include file names: folders whole, never tracked or merely untracked files', async () => {
    const root = join(tmp.path, 'ws');
    write(root, { '.gitignore': '.env\n*.local\nnode_modules/\nsecrets/\nbuild/\n', 'tracked.local': 'tracked\n' });
    await gitOk(root, ['init', '-q']);
    await gitOk(root, ['add', '-A']);
    await gitOk(root, ['add', '-f', 'tracked.local']);
    await gitOk(root, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'init']);
    write(root, {
      '.env': 'A=1\n',
      'apps/web/.env': 'B=1\n',
      'tracked.local': 'edited\n',
      'notes.draft': 'untracked, not ignored\n',
      'node_modules/dep/index.js': 'x\n',
      'node_modules/dep/.env': 'a package file\n',
      'secrets/only.local': 'one\n',
      'secrets/other.txt': 'two\n',
      'build/out.js': 'built\n',
      '.orch/runs/r1/x.local': 'orch state\n',
      '.worktreeinclude': '.env\n*.local\nnode_modules/\n*.draft\n',
    });
    const patterns = await readIncludePatterns(root);
    assert.ok(patterns !== undefined);
    const paths = [...(await includedPaths(root, patterns))].sort();
    assert.deepEqual(paths, ['.env', 'apps/web/.env', 'node_modules', 'secrets/only.local']);
  });

  it('has no patterns without an include file, or with only comments in it', async () => {
    mkdirSync(join(tmp.path, 'a'));
    assert.equal(await readIncludePatterns(join(tmp.path, 'a')), undefined);
    writeFileSync(join(tmp.path, 'a', '.worktreeinclude'), '# nothing yet\n');
    assert.equal(await readIncludePatterns(join(tmp.path, 'a')), undefined);
    assert.equal(parsePatterns('.env').size, 1);
  });

  it('suggests the installer for the project it finds, unless its dependencies are there', () => {
    const dir = join(tmp.path, 'p');
    write(dir, { 'pnpm-lock.yaml': '', 'package.json': '{}' });
    assert.match(missingSetupHint(dir) ?? '', /^pnpm-lock\.yaml found but no worktree\.setup: task worktrees have no node_modules; set "worktree": \{"setup": "pnpm install --frozen-lockfile"\}/);
    mkdirSync(join(dir, 'node_modules'));
    assert.equal(missingSetupHint(dir), undefined);
    const py = join(tmp.path, 'py');
    write(py, { 'requirements.txt': 'yaml\n' });
    assert.match(missingSetupHint(py) ?? '', /task worktrees start without its dependencies installed; set "worktree": \{"setup": "pip install -r requirements.txt"\}/);
    mkdirSync(join(tmp.path, 'none'));
    assert.equal(missingSetupHint(join(tmp.path, 'none')), undefined);
  });
});
