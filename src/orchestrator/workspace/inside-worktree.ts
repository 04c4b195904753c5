import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export type Placement =
  | { readonly inside: true; readonly path: string; readonly exists: boolean }
  | { readonly inside: false; readonly reason: string };

/**
 * Where `path` (relative to `root`) really is, symlinks followed: a committed link to a folder
 * elsewhere must not let a check pass on, or an answer be written to, a file outside the task's
 * worktree. A path that does not exist yet is placed by its deepest existing folder.
 */
export async function placeInside(root: string, path: string): Promise<Placement> {
  if (isAbsolute(path) || relative(root, resolve(root, path)).startsWith('..')) {
    return { inside: false, reason: `path ${JSON.stringify(path)} is outside the task's worktree` };
  }
  const realRoot = await realpath(root);
  const { real, exists } = await realLocation(resolve(root, path));
  if (real !== realRoot && !real.startsWith(realRoot + sep)) {
    return { inside: false, reason: `path ${JSON.stringify(path)} leads outside the task's worktree (to ${real}) through a symbolic link` };
  }
  return { inside: true, path: real, exists };
}

/** Links followed before giving up, as the kernel does (ELOOP). */
const MAX_LINKS = 40;

async function realLocation(full: string, links = 0): Promise<{ real: string; exists: boolean }> {
  try {
    return { real: await realpath(full), exists: true };
  } catch {
    // A dangling link still says where a write would go: follow it by hand.
    const link = await lstat(full).catch(() => undefined);
    if (link?.isSymbolicLink() === true) {
      if (links >= MAX_LINKS) throw new Error(`too many symbolic links at ${full}`);
      return realLocation(resolve(dirname(full), await readlink(full)), links + 1);
    }
    const parent = dirname(full);
    if (parent === full) return { real: full, exists: false };
    const above = await realLocation(parent, links);
    return { real: join(above.real, basename(full)), exists: false };
  }
}
