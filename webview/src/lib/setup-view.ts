import { evidenceInWorkspace } from '../../../src/protocol/evidence-path';
import type { TaskSetup } from '../../../src/protocol/run-snapshot';
import type { ShownState } from './format';

/** A task's worktree setup as its page shows it. */
export interface SetupView {
  readonly state: ShownState;
  /** What the badge alone does not say. */
  readonly note: string | undefined;
  /** The config's `worktree.setup` command, or why there was none. */
  readonly command: string | undefined;
  readonly duration: string;
  readonly included: string;
  /** Why it failed (`exit 1`, a timeout), the first line of the detail Orch recorded. */
  readonly exit: string | undefined;
  /** The last lines of the command's output, kept when it failed. */
  readonly tail: string | undefined;
  readonly evidencePath: string;
  /** When it ran: at the dispatch, or ahead while the task waited (off its critical path). */
  readonly when: string;
}

const OUTCOMES: Readonly<Record<TaskSetup['outcome'], { readonly state: ShownState; readonly note?: string }>> = {
  succeeded: { state: 'succeeded' },
  reused: { state: 'succeeded', note: 'installed dependencies copied from the cache, the command not run' },
  failed: { state: 'failed', note: 'the task is blocked until it is retried' },
  cancelled: { state: 'cancelled' },
};

export function setupView(setup: TaskSetup, runId: string): SetupView {
  const [exit, ...tail] = (setup.detail ?? '').split('\n');
  const outcome = OUTCOMES[setup.outcome];
  return {
    state: outcome.state,
    note: outcome.note,
    command: setup.command,
    duration: `${(setup.durationMs / 1000).toFixed(1)} s`,
    included: setup.included === 0 ? 'nothing' : setup.included === 1 ? '1 path' : `${setup.included} paths`,
    exit: exit === undefined || exit === '' ? undefined : exit,
    tail: tail.length === 0 || tail.join('').trim() === '' ? undefined : tail.join('\n'),
    evidencePath: evidenceInWorkspace(runId, setup.evidencePath),
    when: setup.ahead === true ? 'ahead, while the task waited for a slot' : 'when the task was dispatched',
  };
}
