import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitOk } from '../engine/git';
import { copyTree } from './copy-tree';
import { parsePatterns, type PatternSet } from './ignore-patterns';

export const INCLUDE_FILE = '.worktreeinclude';

// Never looked into for include matches unless named themselves: git's own folder, and
// dependency and build folders whose thousands of files no include is about (a `.env` pattern
// means the project's, not one a package ships).
const NEVER_WALKED = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', 'target', '.gradle', '.next', '.nuxt', '.cache', '.turbo']);

/** The include file's patterns, or undefined when the repository has none. */
export async function readIncludePatterns(root: string): Promise<PatternSet | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, INCLUDE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const patterns = parsePatterns(text);
  return patterns.size === 0 ? undefined : patterns;
}

/**
 * Paths (files, or folders taken whole) in the main workspace that git ignores and the include
 * file names. Only ignored paths: a tracked file is the branch's to carry, and an untracked one
 * that is not ignored is the user's unfinished work, not configuration.
 */
export async function includedPaths(root: string, patterns: PatternSet): Promise<readonly string[]> {
  const listed = (await gitOk(root, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']))
    .split('\0')
    .filter((p) => p.length > 0)
    .sort();
  const found: string[] = [];
  let lastDir: string | undefined;
  for (const entry of listed) {
    // git lists a folder holding only ignored files both whole and file by file.
    if (lastDir !== undefined && entry.startsWith(lastDir)) continue;
    const isDir = entry.endsWith('/');
    const path = isDir ? entry.slice(0, -1) : entry;
    if (path === '.orch' || path.startsWith('.orch/')) continue;
    if (isDir) {
      lastDir = entry;
      await collect(root, path, patterns, found);
    } else if (patterns.matches(path, false)) {
      found.push(path);
    }
  }
  return found;
}

/** `dir` is ignored as a whole: take it whole if named, else what inside it is named. */
async function collect(root: string, dir: string, patterns: PatternSet, found: string[]): Promise<void> {
  if (patterns.matches(dir, true)) {
    found.push(dir);
    return;
  }
  const name = dir.slice(dir.lastIndexOf('/') + 1);
  if (NEVER_WALKED.has(name)) return;
  const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) await collect(root, path, patterns, found);
    else if (patterns.matches(path, false)) found.push(path);
  }
}

/** Copies each path from the main workspace to the same place in the worktree. */
export async function copyIncluded(root: string, worktree: string, paths: readonly string[], signal?: AbortSignal): Promise<void> {
  for (const path of paths) await copyTree(join(root, path), join(worktree, path), signal);
}
