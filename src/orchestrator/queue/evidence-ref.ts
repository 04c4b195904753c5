// How a worker's evidence files (check logs, screenshots of MBs) reach the coordinator's
// `.orch/runs/<id>/evidence/`: as a commit whose tree holds them by name, pushed to the code remote
// under `refs/orch/evidence/<attempt>` beside the attempt's own ref. Git is already the channel
// the work itself takes between the same two machines; it is binary-safe, content-addressed (the
// end report names the commit, so the coordinator reads exactly what the worker packed) and keeps
// file bodies out of Redis, whose report stream then stays small JSON whatever a check produced.
// The commit is never on a task branch: nothing of it reaches the user's history.

import { execFile } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitOk } from '../engine/git';
import type { CheckGroups } from '../engine/attempt-checks';
import { writeEvidence } from '../security/evidence-file';
import { redactDeep, type Redact } from '../security/redact-secrets';
import { evidenceRef } from './code-remote';
import type { EvidencePack } from './check-report';

const run = promisify(execFile);
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Packs every file of `dir` (the attempt's own evidence folder) into a commit of the worker's clone
 * and pushes it; refused if the attempt's evidence ref exists already, as for its work. Undefined:
 * the checks left no file.
 */
export async function packEvidence(repo: string, dir: string, remote: string, attemptId: string): Promise<EvidencePack | undefined> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && SAFE_NAME.test(e.name)).map((e) => e.name);
  if (names.length === 0) return undefined;
  // A private index: the clone's worktrees and other jobs' packs are untouched.
  const index = join(tmpdir(), `orch-evidence-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  try {
    const inDir = ['--git-dir', repo, '--work-tree', dir];
    await gitOk(dir, [...inDir, 'add', '-f', '--', ...names], { GIT_INDEX_FILE: index });
    const tree = (await gitOk(dir, [...inDir, 'write-tree'], { GIT_INDEX_FILE: index })).trim();
    const commit = (await gitOk(dir, ['--git-dir', repo, 'commit-tree', tree, '-m', `evidence of ${attemptId}`])).trim();
    const ref = evidenceRef(attemptId);
    await gitOk(dir, ['--git-dir', repo, 'push', '-q', `--force-with-lease=${ref}:`, remote, `${commit}:${ref}`]);
    return { commit, dir };
  } finally {
    await rm(index, { force: true });
  }
}

/**
 * Writes the pack's files into `intoDir` under their own names, owner-only; text is redacted again
 * with the coordinator's secrets (the worker redacted with its own). Returns the names written.
 */
export async function unpackEvidence(remote: string, commit: string, intoDir: string, redact?: Redact): Promise<string[]> {
  const listing = (await gitOk(remote, ['--git-dir', remote, 'ls-tree', '-z', commit])).split('\0').filter((l) => l !== '');
  const names: string[] = [];
  for (const line of listing) {
    const match = /^\d+ blob ([0-9a-f]{40})\t(.+)$/.exec(line);
    if (match === null || !SAFE_NAME.test(match[2]!)) throw new Error(`evidence ${commit} holds ${JSON.stringify(line)}, not a plain file`);
    const [, blob, name] = match as unknown as [string, string, string];
    const { stdout } = await run('git', ['--git-dir', remote, 'cat-file', 'blob', blob], { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 });
    const path = join(intoDir, name);
    // Git's own test for binary content: a NUL byte near the start (screenshots, not logs).
    if (stdout.subarray(0, 8_000).includes(0)) await writeFile(path, stdout, { mode: 0o600 });
    else await writeEvidence(path, stdout.toString('utf8'), redact);
    names.push(name);
  }
  return names;
}

/**
 * The results with the worker's evidence paths pointing at the unpacked files; a path to a file
 * not in the pack, or an evidence path anywhere else, is refused.
 */
export function relocateResults(groups: CheckGroups, fromDir: string, intoDir: string, names: readonly string[]): CheckGroups {
  const prefix = fromDir.endsWith('/') ? fromDir : `${fromDir}/`;
  const moved = redactDeep(groups, (text) => {
    if (!text.startsWith(prefix)) return text;
    const name = text.slice(prefix.length);
    if (!names.includes(name)) throw new Error(`a check result names ${name}, which the worker's evidence does not hold`);
    return join(intoDir, name);
  });
  const outside = moved.flat().find((r) => r.evidencePath !== undefined && !r.evidencePath.startsWith(`${intoDir}/`));
  if (outside !== undefined) throw new Error(`the evidence of "${outside.check}" is ${outside.evidencePath}, not one of the worker's evidence files`);
  return moved;
}
