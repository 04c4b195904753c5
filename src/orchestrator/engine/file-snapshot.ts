// Without git, what an attempt changed is told by comparing the folder before and after it:
// this sees what any tool wrote (Write, Edit, a Bash command, a generator the agent ran).
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface FileFacts {
  readonly size: number;
  readonly mtimeMs: number;
  /** Content hash of files up to HASHED_BYTES: a file rewritten with the same text is unchanged. */
  readonly hash?: string;
}

export type FileSnapshot = Readonly<Record<string, FileFacts>>;

// Orch's own files, git's, and installed dependencies: never the work an attempt is judged by.
const IGNORED = new Set(['.git', '.orch', 'node_modules']);
const HASHED_BYTES = 1024 * 1024;

/** Every file under `root` (relative paths, `/`-separated), symlinks by their target. */
export async function snapshotFiles(root: string): Promise<FileSnapshot> {
  const files: Record<string, FileFacts> = {};
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (IGNORED.has(entry.name)) continue;
      const path = join(dir, entry.name);
      const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        await walk(path, name);
        continue;
      }
      const info = await lstat(path).catch(() => undefined);
      if (info === undefined) continue;
      if (entry.isSymbolicLink()) {
        const target = await readlink(path).catch(() => '');
        files[name] = { size: info.size, mtimeMs: info.mtimeMs, hash: `link:${target}` };
      } else if (entry.isFile()) {
        const hash = info.size <= HASHED_BYTES ? await hashOf(path) : undefined;
        files[name] = hash === undefined ? { size: info.size, mtimeMs: info.mtimeMs } : { size: info.size, mtimeMs: info.mtimeMs, hash };
      }
    }
  };
  await walk(root, '');
  return files;
}

/** Files added, removed or modified between two snapshots, sorted. */
export function changedFiles(before: FileSnapshot, after: FileSnapshot): string[] {
  const changed = new Set<string>();
  for (const [name, facts] of Object.entries(after)) {
    const old = before[name];
    if (old === undefined || differs(old, facts)) changed.add(name);
  }
  for (const name of Object.keys(before)) if (after[name] === undefined) changed.add(name);
  return [...changed].sort();
}

function differs(a: FileFacts, b: FileFacts): boolean {
  if (a.hash !== undefined && b.hash !== undefined) return a.hash !== b.hash;
  return a.size !== b.size || a.mtimeMs !== b.mtimeMs;
}

async function hashOf(path: string): Promise<string | undefined> {
  try {
    return createHash('sha1').update(await readFile(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/** Written whole or not at all: a crash mid-write leaves the earlier snapshot. */
export async function saveSnapshot(file: string, snapshot: FileSnapshot): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(snapshot));
  await rename(`${file}.tmp`, file);
}

export async function loadSnapshot(file: string): Promise<FileSnapshot | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as FileSnapshot;
  } catch {
    return undefined;
  }
}
