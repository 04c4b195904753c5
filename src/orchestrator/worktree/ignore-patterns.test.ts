import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { git, gitOk } from '../engine/git';
import { parsePatterns } from './ignore-patterns';

const PATTERNS = ['# secrets', '.env', '*.local', '/top.txt', 'config/*.json', '!config/public.json', 'cache/', 'docs/**/draft.md', 'a/**', 'log?.txt', '[abc].key', '\\#hash', 'trailing.txt   '].join('\n');

// Files (and the folders they imply) to ask about; git itself is the reference.
const PATHS = [
  '.env',
  'sub/.env',
  'sub/deep/.env',
  '.envrc',
  'app.local',
  'sub/app.local',
  'top.txt',
  'sub/top.txt',
  'config/app.json',
  'config/public.json',
  'config/deep/app.json',
  'cache/x.bin',
  'sub/cache/y.bin',
  'cache.txt',
  'docs/draft.md',
  'docs/a/b/draft.md',
  'docs/other.md',
  'a/x/y.txt',
  'ab/x.txt',
  'log1.txt',
  'log12.txt',
  'b.key',
  'd.key',
  '#hash',
  'trailing.txt',
];

describe('.worktreeinclude patterns', () => {
  const tmp = useTempDir();

  it('match the paths git itself would match with the same lines as a .gitignore', async () => {
    const repo = join(tmp.path, 'repo');
    mkdirSync(repo);
    await gitOk(repo, ['init', '-q']);
    writeFileSync(join(repo, '.gitignore'), PATTERNS);
    for (const path of PATHS) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), 'x');
    }
    const checked = await git(repo, ['check-ignore', '--no-index', ...PATHS]);
    const byGit = new Set(checked.stdout.split('\n').filter((l) => l.length > 0));
    const patterns = parsePatterns(PATTERNS);
    for (const path of PATHS) {
      assert.equal(patterns.matches(path, false), byGit.has(path), `${path}: git says ${byGit.has(path) ? '' : 'not '}matched`);
    }
    assert.ok(byGit.size > 8 && byGit.size < PATHS.length, 'the sample has matches and misses');
  });

  it('match a folder itself only with a folder pattern, and everything in a matched folder', () => {
    const patterns = parsePatterns('node_modules/\n.venv\n');
    assert.equal(patterns.matches('node_modules', true), true);
    assert.equal(patterns.matches('node_modules', false), false);
    assert.equal(patterns.matches('node_modules/a/index.js', false), true);
    assert.equal(patterns.matches('pkg/.venv', true), true);
    assert.equal(patterns.matches('src/index.js', false), false);
  });

  it('ignore comments and blank lines', () => {
    assert.equal(parsePatterns('# only a comment\n\n   \n').size, 0);
  });
});
