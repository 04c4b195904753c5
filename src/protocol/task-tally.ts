import type { TaskSnapshot } from './run-snapshot';

// How a group of tasks stands: what the dashboard, the tree view and the status bar all count.
export interface Tally {
  readonly total: number;
  readonly verified: number;
  readonly running: number;
  readonly failed: number;
  readonly costUsd: number;
  readonly defects: number;
}

export function tally(tasks: readonly TaskSnapshot[]): Tally {
  let verified = 0;
  let running = 0;
  let failed = 0;
  let costUsd = 0;
  let defects = 0;
  for (const t of tasks) {
    if (t.state === 'verified') verified += 1;
    if (t.state === 'running' || t.state === 'verifying') running += 1;
    if (t.state === 'failed' || t.state === 'blocked') failed += 1;
    costUsd += t.costUsd;
    defects += t.defects;
  }
  return { total: tasks.length, verified, running, failed, costUsd, defects };
}
