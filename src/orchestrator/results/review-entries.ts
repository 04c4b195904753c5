import type { ChangeSet } from './run-diff';

/** One file of a review: its path and the commit of each side; a side is absent when the file is. */
export interface ReviewEntry {
  readonly path: string;
  readonly left?: string;
  readonly right?: string;
}

/** What an editor's multi-file diff needs to show a change set, side by side. */
export function reviewEntries(changes: ChangeSet): readonly ReviewEntry[] {
  return changes.files.map((file) => ({
    path: file.path,
    ...(file.status === 'added' ? {} : { left: changes.base }),
    ...(file.status === 'deleted' ? {} : { right: changes.head }),
  }));
}

/** The editor adds the number of files to a multi-file diff's title itself. */
export function reviewTitle(changes: ChangeSet): string {
  return `Orch: ${changes.taskId ?? `run ${changes.runId}`}`;
}
