import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { DepsCache, depsCacheKey, installerOf, type CacheKey } from './deps-cache';

function project(dir: string, lock: string, manifest: Record<string, unknown> = { name: 'p', dependencies: { yaml: '2.0.0' } }): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'package-lock.json'), lock);
  return dir;
}

function keyOf(result: CacheKey): string {
  assert.ok(result.ok, result.ok ? '' : result.why);
  return result.key;
}

describe('dependency cache', () => {
  const tmp = useTempDir();

  it('knows a plain installer command, and nothing that does more or other', () => {
    assert.equal(installerOf('npm ci')?.tool, 'npm');
    assert.equal(installerOf('  npm ci --prefer-offline --no-audit ')?.tool, 'npm');
    assert.equal(installerOf('npm install')?.tool, 'npm');
    assert.equal(installerOf('pnpm install --frozen-lockfile')?.tool, 'pnpm');
    assert.equal(installerOf('yarn')?.tool, 'yarn');
    assert.equal(installerOf('yarn install --frozen-lockfile')?.tool, 'yarn');
    assert.equal(installerOf('bun install')?.tool, 'bun');
    for (const other of ['npm ci && npm run build', 'npm install left-pad', 'npm test', 'npm ci; touch x', 'npm ci > log', 'pip install -r requirements.txt', 'NODE_ENV=production npm ci', 'npm run ci']) {
      assert.equal(installerOf(other), undefined, other);
    }
  });

  it('keys by lockfile, manifest and command: identical projects share a key, any difference does not', async () => {
    const npm = installerOf('npm ci')!;
    const a = keyOf(await depsCacheKey(project(join(tmp.path, 'a'), '{"v":1}'), npm));
    const b = keyOf(await depsCacheKey(project(join(tmp.path, 'b'), '{"v":1}'), npm));
    const otherLock = keyOf(await depsCacheKey(project(join(tmp.path, 'c'), '{"v":2}'), npm));
    const otherFlags = keyOf(await depsCacheKey(join(tmp.path, 'a'), installerOf('npm ci --omit=dev')!));
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, otherLock);
    assert.notEqual(a, otherFlags);
  });

  it('does not cache what a copy of node_modules would not reproduce', async () => {
    const npm = installerOf('npm ci')!;
    const scripts = await depsCacheKey(project(join(tmp.path, 's'), '{}', { name: 's', scripts: { postinstall: 'node build.js', test: 'x' } }), npm);
    assert.deepEqual(scripts.ok ? 'cached' : scripts.why, 'package.json has install scripts (postinstall) whose effects a copy would miss');
    const workspaces = await depsCacheKey(project(join(tmp.path, 'w'), '{}', { name: 'w', workspaces: ['packages/*'] }), npm);
    assert.equal(workspaces.ok, false);
    mkdirSync(join(tmp.path, 'n'));
    const noLock = await depsCacheKey(join(tmp.path, 'n'), npm);
    assert.deepEqual(noLock.ok ? 'cached' : noLock.why, 'no package-lock.json or npm-shrinkwrap.json in the worktree');
  });

  it('stores a tree whole under its key, lets one of two writers win, and restores an identical copy', async () => {
    const worktree = join(tmp.path, 'wt');
    mkdirSync(join(worktree, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(worktree, 'node_modules', 'dep', 'index.js'), 'module.exports = 42;\n');
    const cache = new DepsCache(join(tmp.path, 'cache'));
    assert.equal(cache.has('k1'), false);
    const stored = await Promise.all([cache.store('k1', worktree, {}), cache.store('k1', worktree, {})]);
    assert.equal(stored.filter((s) => s).length, 1, 'exactly one writer placed the tree');
    assert.equal(cache.has('k1'), true);
    assert.deepEqual(readdirSync(join(tmp.path, 'cache')), ['k1'], 'no temporary folder left behind');
    const other = join(tmp.path, 'wt2');
    mkdirSync(other);
    await cache.restore('k1', other);
    assert.equal(readFileSync(join(other, 'node_modules', 'dep', 'index.js'), 'utf8'), 'module.exports = 42;\n');
    writeFileSync(join(other, 'node_modules', 'dep', 'index.js'), 'edited in a worktree\n');
    assert.equal(readFileSync(join(cache.entry('k1'), 'node_modules', 'dep', 'index.js'), 'utf8'), 'module.exports = 42;\n', 'an edit in a worktree leaves the cache alone');
  });
});
