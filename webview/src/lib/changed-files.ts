import type { TaskSnapshot } from '../../../src/protocol/run-snapshot';

/** `added`/`removed`: a count, null for a binary file, undefined when the log has no counts. */
export interface ChangedFileRow {
  readonly file: string;
  readonly added: number | null | undefined;
  readonly removed: number | null | undefined;
}

export interface ChangedFiles {
  readonly rows: readonly ChangedFileRow[];
  /** Only when the log counted lines (logs written before it list the files alone). */
  readonly totals?: { readonly added: number; readonly removed: number; readonly binary: number };
}

/** The task page's list of what the task's merge changed, like `git diff --numstat`, with totals. */
export function changedFiles(changes: TaskSnapshot['changes']): ChangedFiles | undefined {
  if (changes === undefined) return undefined;
  const { files, lines } = changes;
  if (lines === undefined) return { rows: files.map((file) => ({ file, added: undefined, removed: undefined })) };
  const counted = new Map(lines.map((line) => [line.file, line]));
  const rows: ChangedFileRow[] = files.map((file) => counted.get(file) ?? { file, added: undefined, removed: undefined });
  const listed = new Set(files);
  for (const line of lines) if (!listed.has(line.file)) rows.push(line);
  let added = 0;
  let removed = 0;
  let binary = 0;
  for (const row of rows) {
    if (row.added === null || row.removed === null) binary += 1;
    added += row.added ?? 0;
    removed += row.removed ?? 0;
  }
  return { rows, totals: { added, removed, binary } };
}
