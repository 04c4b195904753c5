import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Copies a file or a whole folder, keeping links, modes and times. Where the file system can
 * share blocks (btrfs, XFS) the copy is a clone, nearly free; elsewhere a real copy. A copy,
 * never hard links: an agent that edits a file under node_modules in place would otherwise
 * change the cache and every other worktree holding the same file.
 */
export async function copyTree(source: string, target: string, signal?: AbortSignal): Promise<void> {
  await rm(target, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  const args = process.platform === 'linux' ? ['-a', '--reflink=auto'] : ['-a'];
  await new Promise<void>((resolve, reject) => {
    execFile('cp', [...args, '--', source, target], { signal, maxBuffer: 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`cp ${source} ${target} failed: ${stderr.trim() || error.message}`));
    });
  });
}
