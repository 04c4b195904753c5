import type { TaskSnapshot } from '../../protocol/run-snapshot';

export interface Progress {
  readonly verified: number;
  readonly total: number;
  readonly costUsd: number;
}

export function progressOf(tasks: readonly TaskSnapshot[]): Progress {
  let verified = 0;
  let costUsd = 0;
  for (const t of tasks) {
    if (t.state === 'verified') verified += 1;
    costUsd += t.costUsd;
  }
  return { verified, total: tasks.length, costUsd };
}

export function formatCost(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

/** `3/8 verified · $0.42`: what a tree row and the status bar say about a group of tasks. */
export function progressText(p: Progress): string {
  return `${p.verified}/${p.total} verified · ${formatCost(p.costUsd)}`;
}
