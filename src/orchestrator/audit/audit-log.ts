import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ignoreRuntimeFiles } from '../workspace/runtime-ignore';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { auditFile, entryHash, GENESIS, localActor, type AuditEntry, type AuditRecord } from './audit-entry';
import { withFileLock } from './file-lock';

/** The last line of a file, read from its end: the log grows for ever, appends stay cheap. */
async function lastLine(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    for (let span = 4096; ; span *= 4) {
      const start = Math.max(0, size - span);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const lines = buffer.toString('utf8').split('\n').filter((l) => l.trim() !== '');
      if (lines.length > 1 || start === 0) return lines.at(-1);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Appends one entry to `.orch/audit.jsonl`, chained to the last one, and fsyncs it before
 * returning: a caller that goes on to act has its record on disk first.
 */
export async function appendAudit(file: string, record: AuditRecord): Promise<AuditEntry> {
  await mkdir(dirname(file), { recursive: true });
  await ignoreRuntimeFiles(dirname(file));
  return withFileLock(`${file}.lock`, async () => {
    const last = await lastLine(file);
    let prev = GENESIS;
    let seq = 1;
    if (last !== undefined) {
      const parsed = JSON.parse(last) as Partial<AuditEntry>;
      if (typeof parsed.hash !== 'string' || typeof parsed.seq !== 'number') throw new Error(`${file}: the last line is not an audit entry; run 'orch audit --verify'`);
      prev = parsed.hash;
      seq = parsed.seq + 1;
    }
    const body: Omit<AuditEntry, 'hash'> = { seq, at: new Date().toISOString(), ...record, prev };
    const entry: AuditEntry = { ...body, hash: entryHash(body) };
    const handle = await open(file, 'a', 0o600);
    try {
      await handle.write(`${JSON.stringify(entry)}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return entry;
  });
}

/**
 * Records an action before it runs and its outcome after: `requested`, then `succeeded` or
 * `failed` (with the error), whatever `act` does. A failure to write the first entry stops the
 * action: nothing happens that the log does not hold.
 */
export async function audited<T>(
  file: string,
  record: Omit<AuditRecord, 'outcome' | 'error' | 'ref'>,
  act: () => Promise<T>,
  outcome: (result: T) => { readonly target?: string; readonly detail?: Readonly<Record<string, unknown>>; readonly failed?: string } = () => ({}),
): Promise<T> {
  const requested = await appendAudit(file, { ...record, outcome: 'requested' });
  let result: T;
  try {
    result = await act();
  } catch (error) {
    await appendAudit(file, { ...record, outcome: 'failed', error: error instanceof Error ? error.message : String(error), ref: requested.seq });
    throw error;
  }
  const { target, detail, failed } = outcome(result);
  await appendAudit(file, {
    ...record,
    ...(target === undefined ? {} : { target }),
    ...(detail === undefined ? {} : { detail: { ...record.detail, ...detail } }),
    outcome: failed === undefined ? 'succeeded' : 'failed',
    ...(failed === undefined ? {} : { error: failed }),
    ref: requested.seq,
  });
  return result;
}

export async function readAudit(file: string): Promise<{ readonly lines: readonly string[] }> {
  try {
    const text = await readFile(file, 'utf8');
    return { lines: text.split('\n').filter((l) => l.trim() !== '') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [] };
    throw error;
  }
}

export interface ChainProblem {
  readonly line: number;
  readonly message: string;
}

/**
 * Walks the chain: every line parses, its hash matches its content, its `prev` is the hash of
 * the line before and its `seq` follows it. An edited line breaks its own hash; a removed or
 * reordered one breaks the next line's `prev` and `seq`.
 */
export function verifyChain(lines: readonly string[]): { readonly entries: number; readonly problems: readonly ChainProblem[] } {
  const problems: ChainProblem[] = [];
  let prev = GENESIS;
  let expectedSeq = 1;
  lines.forEach((text, index) => {
    const line = index + 1;
    let entry: AuditEntry;
    try {
      entry = JSON.parse(text) as AuditEntry;
    } catch {
      problems.push({ line, message: 'not valid JSON' });
      return;
    }
    const { hash, ...body } = entry;
    if (entry.prev !== prev) problems.push({ line, message: `prev is ${String(entry.prev).slice(0, 12)}…, the line before hashes to ${prev.slice(0, 12)}… (a line was removed, inserted or reordered)` });
    if (entry.seq !== expectedSeq) problems.push({ line, message: `seq is ${entry.seq}, expected ${expectedSeq}` });
    if (entryHash(body) !== hash) problems.push({ line, message: 'its content does not match its hash (the line was edited)' });
    prev = typeof hash === 'string' ? hash : '';
    expectedSeq = (typeof entry.seq === 'number' ? entry.seq : expectedSeq) + 1;
  });
  return { entries: lines.length, problems };
}

/** An action of this process's user (the editor, the CLI) on a run or a token. */
export function auditedLocally<T>(paths: WorkspacePaths, kind: 'cli' | 'vscode', what: { readonly action: string; readonly target?: string }, act: () => Promise<T>): Promise<T> {
  return audited(auditFile(paths), { who: localActor(kind), from: `pid ${process.pid}`, ...what }, act);
}
