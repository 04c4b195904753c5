// .orch/ holds what a team may commit (config.json, agents/, teams.yaml, prds/) next to run-time
// files that never belong in a repository's history: logs, worktrees, caches, the learning store,
// token hashes, the audit log. A .gitignore of .orch's own that also ignores itself keeps the
// run-time files out of `git status` for every writer (a run, `orch token`, the audit log, a
// server), costs no git process, and touches no tracked file. A .gitignore already there is the
// user's: it is left as it is, and a run's start still lists the entries in .git/info/exclude.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Relative to .orch/, in gitignore syntax. */
export const RUNTIME_ENTRIES: readonly string[] = [
  'runs/',
  'worktrees/',
  'cache/',
  'logs/',
  'backups/',
  'remote.git/',
  'orch.json',
  'lock.json',
  'dashboard.json',
  'audit.jsonl',
  'tokens.json',
  // Written aside, then renamed; and the locks next to the files they guard.
  '*.tmp',
  '*.lock',
];

const made = new Set<string>();

/**
 * Writes `.orch/.gitignore` unless there is one; once per folder and process. Best effort: a
 * folder Orch cannot write fails the write this precedes, with its own clearer error.
 */
export async function ignoreRuntimeFiles(orchDir: string): Promise<void> {
  if (made.has(orchDir)) return;
  const text = `# Written by Orch: its run-time files, and this file itself, stay out of git.\n${[...RUNTIME_ENTRIES, '.gitignore'].join('\n')}\n`;
  await writeFile(join(orchDir, '.gitignore'), text, { flag: 'wx' }).catch(() => undefined);
  made.add(orchDir);
}
