import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors';
import { MANIFEST_PATH, manifestSchema, SUMS_PATH, sumsSchema, WORKSPACE_PREFIX, type BackupManifest } from './backup-manifest';
import { readTar } from './tar-format';

export interface Extracted {
  readonly manifest: BackupManifest;
  /** Workspace-relative paths (POSIX) of the files extracted under `staging/workspace/`. */
  readonly files: readonly string[];
  /** Whether `orch-backup/git.bundle` was extracted. */
  readonly bundle: boolean;
}

/**
 * Unpacks an Orch backup into `staging` and checks it whole: its manifest comes first, every
 * entry matches the checksum its last entry lists, and no path leaves the folder. A damaged,
 * truncated or foreign archive is an error naming the archive; nothing outside `staging` is
 * touched.
 */
export async function extractArchive(archive: string, staging: string): Promise<Extracted> {
  let manifest: BackupManifest | undefined;
  let sums: Record<string, string> | undefined;
  const seen = new Map<string, string>();
  const files: string[] = [];
  let bundle = false;
  try {
    for await (const entry of readTar(gunzipped(archive))) {
      const path = safePath(entry.path, archive);
      if (manifest === undefined) {
        if (path !== MANIFEST_PATH) throw new InputError(`not an Orch backup: its first entry is ${path}, not ${MANIFEST_PATH}`, { file: archive });
        const parsed = manifestSchema.safeParse(parseJson(entry.data, archive));
        if (!parsed.success) throw new InputError(`not a backup this Orch can read: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`, { file: archive });
        manifest = parsed.data;
      }
      if (path === SUMS_PATH) {
        const parsed = sumsSchema.safeParse(parseJson(entry.data, archive));
        if (!parsed.success) throw new InputError('damaged backup: its checksum list is not readable', { file: archive });
        sums = parsed.data;
        continue;
      }
      seen.set(path, createHash('sha256').update(entry.data).digest('hex'));
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await writeFile(join(staging, path), entry.data, { mode: entry.mode ?? 0o644 });
      if (path.startsWith(WORKSPACE_PREFIX)) files.push(path.slice(WORKSPACE_PREFIX.length));
      else if (path === 'orch-backup/git.bundle') bundle = true;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('no such backup file', { file: archive });
    throw new InputError(`damaged backup: ${(error as Error).message}`, { file: archive });
  }
  if (manifest === undefined) throw new InputError('not an Orch backup: the archive is empty', { file: archive });
  if (sums === undefined) throw new InputError('damaged backup: it ends before its checksum list (a copy cut short?)', { file: archive });
  for (const [path, sum] of seen) {
    if (sums[path] !== sum) throw new InputError(`damaged backup: ${path} does not match its checksum`, { file: archive });
  }
  const missing = Object.keys(sums).filter((p) => !seen.has(p));
  if (missing.length > 0) throw new InputError(`damaged backup: ${missing.length} file(s) listed but missing, first ${missing[0]}`, { file: archive });
  return { manifest, files, bundle };
}

/** `pipe` does not pass a read error on: forward it, so a missing file fails the loop instead of the process. */
function gunzipped(archive: string): AsyncIterable<Buffer> {
  const gunzip = createGunzip();
  return createReadStream(archive).on('error', (error) => gunzip.destroy(error)).pipe(gunzip);
}

function safePath(path: string, archive: string): string {
  const clean = normalize(path);
  if (isAbsolute(path) || clean.startsWith('..') || clean !== path || !(path.startsWith(WORKSPACE_PREFIX) || path.startsWith('orch-backup/'))) {
    throw new InputError(`refusing a backup entry outside the workspace: ${JSON.stringify(path)}`, { file: archive });
  }
  return path;
}

function parseJson(data: Buffer, archive: string): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new InputError(`damaged backup: ${(error as Error).message}`, { file: archive });
  }
}
