// `orch` as built (dist/cli.js) runs its bundle from V8's code cache, kept per user and per
// command. What must hold whatever the cache holds: the same output and exit code as the bundle
// run directly, a cache written on first use, and a damaged or unwritable cache only ignored.
import { strict as assert } from 'node:assert';
import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const BUNDLE = join(REPO_ROOT, 'dist', 'cli-main.js');
const ROADMAP = join(REPO_ROOT, 'examples', 'roadmap.md');

describe('orch from its code cache (dist/cli.js)', function () {
  this.timeout(60_000);
  const tmp = useTempDir('orch-code-cache-');

  before(function () {
    // `npm test` builds first; a lone run of this file without a build has nothing to test.
    if (!existsSync(CLI) || !existsSync(BUNDLE)) this.skip();
  });

  const run = (file: string, args: readonly string[], cacheHome: string) =>
    spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', cwd: REPO_ROOT, env: { ...process.env, XDG_CACHE_HOME: cacheHome } });

  it('is a bundle of ASCII only (non-ASCII in its comments made `?` by the build): the loader reads it as a one-byte string', () => {
    const bytes = readFileSync(BUNDLE);
    const first = bytes.findIndex((b) => b > 0x7f);
    assert.ok(isAscii(bytes), `a non-ASCII byte at ${first}: ${bytes.subarray(Math.max(0, first - 80), first + 20).toString('utf8')}`);
  });

  it('answers as the bundle itself does, writes one cache per command, and ignores a damaged or unwritable one', () => {
    const cacheHome = join(tmp.path, 'cache');
    const direct = run(BUNDLE, ['plan', ROADMAP, '--json'], cacheHome);
    assert.equal(direct.status, 0, direct.stderr);
    assert.equal(existsSync(join(cacheHome, 'orch')), false, 'the bundle run directly keeps no cache');

    const first = run(CLI, ['plan', ROADMAP, '--json'], cacheHome);
    assert.deepEqual([first.status, first.stdout, first.stderr], [0, direct.stdout, direct.stderr]);
    const dir = join(cacheHome, 'orch', 'code-cache');
    const [entry, ...others] = readdirSync(dir);
    assert.match(entry ?? '', /^plan-.*\.bin$/);
    assert.deepEqual(others, []);
    const cached = run(CLI, ['plan', ROADMAP, '--json'], cacheHome);
    assert.deepEqual([cached.status, cached.stdout, cached.stderr], [0, direct.stdout, direct.stderr]);

    // A usage error goes through the same path: its exit code and message are the bundle's.
    const wrong = run(CLI, ['plan'], cacheHome);
    const wrongDirect = run(BUNDLE, ['plan'], cacheHome);
    assert.deepEqual([wrong.status, wrong.stderr], [wrongDirect.status, wrongDirect.stderr]);
    assert.equal(wrong.status, 2);

    // An entry of an earlier build of the same command goes when a new one is written; other commands' stay.
    writeFileSync(join(dir, 'plan-0.0.0-x64-1-1.bin'), 'an earlier build');
    writeFileSync(join(dir, 'status-0.0.0-x64-1-1.bin'), 'another command');
    writeFileSync(join(dir, entry!), 'not a code cache');
    const damaged = run(CLI, ['plan', ROADMAP, '--json'], cacheHome);
    assert.deepEqual([damaged.status, damaged.stdout, damaged.stderr], [0, direct.stdout, direct.stderr]);
    assert.notEqual(readFileSync(join(dir, entry!), 'utf8'), 'not a code cache', 'the damaged cache was written anew');
    assert.deepEqual(readdirSync(dir).sort(), [entry, 'status-0.0.0-x64-1-1.bin']);

    // A cache home that is a file: nothing can be cached, and nothing else changes.
    const blocked = join(tmp.path, 'a-file');
    writeFileSync(blocked, '');
    const uncached = run(CLI, ['plan', ROADMAP, '--json'], blocked);
    assert.deepEqual([uncached.status, uncached.stdout, uncached.stderr], [0, direct.stdout, direct.stderr]);
  });
});
