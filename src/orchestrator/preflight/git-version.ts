// Orch merges a task's branch with `git merge-tree --write-tree` (no checkout, no hooks), which
// git gained in 2.38: an older git would fail at the first merge, after the agent was paid.

const MIN_MAJOR = 2;
const MIN_MINOR = 38;

/** The problem with the git that answered `git --version` so, or undefined (also for an answer it cannot read). */
export function gitVersionProblem(versionOutput: string, noGit: string): string | undefined {
  const found = /(\d+)\.(\d+)(?:\.\d+)?/.exec(versionOutput);
  if (found === null) return undefined;
  const major = Number(found[1]);
  const minor = Number(found[2]);
  if (major > MIN_MAJOR || (major === MIN_MAJOR && minor >= MIN_MINOR)) return undefined;
  return `git ${found[0]} is too old: Orch merges each task with \`git merge-tree --write-tree\`, which needs git ${MIN_MAJOR}.${MIN_MINOR} or later: upgrade git, ${noGit}`;
}
