import type { RunSummary } from '../../../src/protocol/dashboard-messages';
import type { RunSnapshot } from '../../../src/protocol/run-snapshot';

export interface RunChoice {
  readonly runId: string;
  readonly label: string;
}

/**
 * The run selector's entries. The run list comes from the run index, which the server re-reads
 * only now and then, while the open run's snapshot is folded from every event: for that run
 * the snapshot's state wins, so the selector never says "running" beside a cancelled page.
 */
export function runChoices(runs: readonly RunSummary[], open: RunSnapshot | undefined): readonly RunChoice[] {
  return runs.map((r) => {
    const state = open?.runId === r.runId ? open.state : r.state;
    return { runId: r.runId, label: `${r.runId} (${state})` };
  });
}
