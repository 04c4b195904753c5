import { strict as assert } from 'node:assert';
import { gitVersionProblem } from './git-version';

describe('gitVersionProblem', () => {
  const noGit = 'or pass --no-git';

  it('accepts git 2.38 and later, as each platform spells its version', () => {
    for (const out of ['git version 2.38.0', 'git version 2.39.5\n', 'git version 2.39.3 (Apple Git-145)', 'git version 2.45.1.windows.1', 'git version 3.0.0']) {
      assert.equal(gitVersionProblem(out, noGit), undefined, out);
    }
  });

  it('names an older version and what to do', () => {
    assert.equal(
      gitVersionProblem('git version 2.37.7', noGit),
      'git 2.37.7 is too old: Orch merges each task with `git merge-tree --write-tree`, which needs git 2.38 or later: upgrade git, or pass --no-git',
    );
    assert.match(gitVersionProblem('git version 1.9.1', noGit) ?? '', /^git 1\.9\.1 is too old/);
  });

  it('lets an answer it cannot read through: the merge itself reports a real problem', () => {
    assert.equal(gitVersionProblem('git version (custom build)', noGit), undefined);
    assert.equal(gitVersionProblem('', noGit), undefined);
  });
});
