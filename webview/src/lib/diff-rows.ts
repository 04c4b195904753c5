import { diffLines } from 'diff';

/** One line of an edit's diff; `sign` says added or removed in text, not by colour alone. */
export interface DiffRow {
  readonly sign: '+' | '-' | ' ';
  readonly text: string;
}

/** The lines an Edit's old_string -> new_string removes, adds and keeps, in order. */
export function diffRows(oldText: string, newText: string): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const change of diffLines(oldText, newText, { ignoreNewlineAtEof: true })) {
    const sign = change.added ? '+' : change.removed ? '-' : ' ';
    const lines = change.value.split('\n');
    if (lines.length > 1 && lines.at(-1) === '') lines.pop();
    for (const line of lines) rows.push({ sign, text: line });
  }
  return rows;
}

export function diffCounts(rows: readonly DiffRow[]): { readonly added: number; readonly removed: number } {
  let added = 0;
  let removed = 0;
  for (const row of rows) {
    if (row.sign === '+') added += 1;
    else if (row.sign === '-') removed += 1;
  }
  return { added, removed };
}
