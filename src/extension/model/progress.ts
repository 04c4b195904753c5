import type { Tally } from '../../protocol/task-tally';

export function formatCost(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

/** `3/8 verified · $0.42`: what a tree row and the status bar say about a group of tasks. */
export function progressText(p: Pick<Tally, 'verified' | 'total' | 'costUsd'>): string {
  return `${p.verified}/${p.total} verified · ${formatCost(p.costUsd)}`;
}
