// Git's own files read directly where their format is plain: each answer saves starting a git
// process, which on a busy machine costs more than the work itself. Anything unexpected (a
// reftable repository, a symbolic ref, a file that does not parse) answers "cannot tell", and
// the caller asks git.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** A branch's tip: `{ sha }`, `{}` when the branch does not exist, undefined when the files cannot tell. */
export async function readBranchTip(gitCommonDir: string, branch: string): Promise<{ readonly sha?: string } | undefined> {
  if (existsSync(join(gitCommonDir, 'reftable'))) return undefined;
  const ref = `refs/heads/${branch}`;
  // Loose first, then packed: `pack-refs` writes packed-refs before it deletes the loose file,
  // so a loose ref missing here is in packed-refs by the time it is read.
  const loose = await readFile(join(gitCommonDir, ref), 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' || error.code === 'ENOTDIR' ? null : undefined));
  if (loose === undefined) return undefined;
  if (loose !== null) {
    const sha = loose.trim();
    return SHA.test(sha) ? { sha } : undefined;
  }
  const packed = await readFile(join(gitCommonDir, 'packed-refs'), 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : undefined));
  if (packed === undefined) return undefined;
  for (const line of packed.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && line.slice(space + 1) === ref) {
      const sha = line.slice(0, space);
      return SHA.test(sha) ? { sha } : undefined;
    }
  }
  return {};
}

/** The git folder a worktree's `.git` file names (as written: maybe relative), undefined when there is none to read. */
export async function gitdirPointer(dir: string): Promise<string | undefined> {
  return /^gitdir: (.+)$/m.exec(await readFile(join(dir, '.git'), 'utf8').catch(() => ''))?.[1]?.trim();
}

/**
 * The branch checked out in a worktree, from its `.git` file and HEAD: `{ branch }`, `{}` for
 * no worktree there or a detached HEAD, undefined when the files cannot tell.
 */
export async function readCheckedOutBranch(dir: string): Promise<{ readonly branch?: string } | undefined> {
  const dotGit = join(dir, '.git');
  const pointer = await readFile(dotGit, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : error.code === 'EISDIR' ? '' : undefined));
  if (pointer === undefined) return undefined;
  // No worktree here: git would answer for a repository around the folder, never with a task's branch.
  if (pointer === null) return {};
  const gitDir = pointer === '' ? dotGit : /^gitdir: (.+)$/m.exec(pointer)?.[1]?.trim();
  if (gitDir === undefined) return undefined;
  const head = await readFile(join(resolve(dir, gitDir), 'HEAD'), 'utf8').catch(() => undefined);
  if (head === undefined) return undefined;
  const symbolic = /^ref: refs\/heads\/(.+)$/.exec(head.trim());
  if (symbolic?.[1] !== undefined) return { branch: symbolic[1] };
  return SHA.test(head.trim()) ? {} : undefined;
}

/**
 * Whether a worktree's index holds unmerged entries (a conflict left unresolved), read from the
 * index file (version 2 or 3): undefined when it cannot tell (another version, a split index, an
 * object format the walk does not fit), and git is asked.
 */
export async function indexHasUnmergedEntries(gitDir: string): Promise<boolean | undefined> {
  const index = await readFile(join(gitDir, 'index')).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : undefined));
  if (index === null) return false;
  if (index === undefined || index.length < 12 || index.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = index.readUInt32BE(4);
  if (version !== 2 && version !== 3) return undefined;
  // The walk must end exactly at the trailing checksum: that settles SHA-1 or SHA-256.
  for (const hashLength of [20, 32]) {
    const found = walkIndex(index, hashLength);
    if (found !== undefined) return found;
  }
  return undefined;
}

function walkIndex(index: Buffer, hashLength: number): boolean | undefined {
  const count = index.readUInt32BE(8);
  let at = 12;
  let unmerged = false;
  for (let i = 0; i < count; i++) {
    const start = at;
    const flagsAt = start + 40 + hashLength;
    if (flagsAt + 2 > index.length) return undefined;
    const flags = index.readUInt16BE(flagsAt);
    if ((flags & 0x3000) !== 0) unmerged = true;
    const pathAt = flagsAt + 2 + ((flags & 0x4000) !== 0 ? 2 : 0);
    const end = index.indexOf(0, pathAt);
    if (end < 0) return undefined;
    // 1 to 8 NULs pad each entry to a multiple of 8 bytes.
    at = start + Math.ceil((end - start + 1) / 8) * 8;
  }
  // Extensions: a four-letter signature and a length each; a split index keeps entries elsewhere.
  while (at + 8 <= index.length - hashLength) {
    if (index.toString('latin1', at, at + 4) === 'link') return undefined;
    at += 8 + index.readUInt32BE(at + 4);
  }
  return at === index.length - hashLength ? unmerged : undefined;
}
