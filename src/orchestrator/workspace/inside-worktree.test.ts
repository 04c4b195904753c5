import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeInside } from './inside-worktree';

describe('placeInside', () => {
  let dir: string;
  let root: string;
  let outside: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'orch-inside-')));
    root = join(dir, 'wt');
    outside = join(dir, 'elsewhere');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(root, 'src', 'a.ts'), 'a');
    writeFileSync(join(outside, 'secret.txt'), 'secret');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('places files inside, existing or not', async () => {
    assert.deepEqual(await placeInside(root, 'src/a.ts'), { inside: true, path: join(root, 'src', 'a.ts'), exists: true });
    assert.deepEqual(await placeInside(root, 'new/dir/b.md'), { inside: true, path: join(root, 'new', 'dir', 'b.md'), exists: false });
  });

  it('refuses paths that leave the root as text', async () => {
    for (const path of ['../elsewhere/secret.txt', '/etc/passwd', 'src/../../elsewhere']) assert.equal((await placeInside(root, path)).inside, false, path);
  });

  it('refuses a link to a file or a folder outside, and a dangling link that points out', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'filelink'));
    symlinkSync(outside, join(root, 'dirlink'));
    symlinkSync(join(outside, 'not-yet.md'), join(root, 'dangling'));
    for (const path of ['filelink', 'dirlink/secret.txt', 'dirlink/new.md', 'dangling']) {
      const placed = await placeInside(root, path);
      assert.equal(placed.inside, false, path);
      assert.match(placed.inside ? '' : placed.reason, /symbolic link/);
    }
  });

  it('accepts a link that stays inside', async () => {
    symlinkSync(join(root, 'src'), join(root, 'srclink'));
    assert.deepEqual(await placeInside(root, 'srclink/a.ts'), { inside: true, path: join(root, 'src', 'a.ts'), exists: true });
  });
});
