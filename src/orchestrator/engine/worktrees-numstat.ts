import type { FileLineCount } from '../../protocol/events';

/** `git diff --numstat -z`: "added\tremoved\tpath\0", or for a rename "added\tremoved\t\0from\0to\0"; "-" counts a binary file. */
export function parseNumstat(out: string): FileLineCount[] {
  const fields = out.split('\0');
  const counts: FileLineCount[] = [];
  for (let i = 0; i < fields.length; i += 1) {
    const [added, removed, path] = (fields[i] ?? '').split('\t');
    if (added === undefined || removed === undefined || path === undefined) continue;
    const file = path === '' ? fields[(i += 2)] : path;
    if (file === undefined || file === '') continue;
    counts.push({ file, added: added === '-' ? null : Number(added), removed: removed === '-' ? null : Number(removed) });
  }
  return counts;
}
