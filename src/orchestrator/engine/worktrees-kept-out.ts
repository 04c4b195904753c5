// What Orch put in a task's worktree and keeps out of its commits (`.worktreeinclude` copies,
// what the setup installed), listed NUL-separated in the worktree's own git folder.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const UNCOMMITTED_LIST = 'orch-uncommitted';

/** The listed paths, without trailing slashes; undefined when Orch listed none. */
export async function readKeptOut(gitDir: string): Promise<readonly string[] | undefined> {
  const text = await readFile(join(gitDir, UNCOMMITTED_LIST), 'utf8').catch(() => undefined);
  return text?.split('\0').filter((p) => p.length > 0).map((p) => p.replace(/\/+$/, ''));
}

/**
 * Whether `git status --porcelain -z` shows nothing but listed paths (or files inside a listed
 * folder) and ignored ones (`--ignored`: no commit takes them): then nothing in the worktree is
 * the agent's to commit. A rename or copy counts as the agent's.
 */
export function onlyKeptOut(statusZ: string, keptOut: readonly string[]): boolean {
  const fields = statusZ.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i] ?? '';
    if (entry === '' || entry.startsWith('!! ')) continue;
    if (entry[0] === 'R' || entry[0] === 'C') return false;
    const path = entry.slice(3).replace(/\/+$/, '');
    if (!keptOut.some((kept) => path === kept || path.startsWith(`${kept}/`))) return false;
  }
  return true;
}
