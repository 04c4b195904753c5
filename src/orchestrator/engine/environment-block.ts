import type { CheckResult } from '../../protocol/events';
import type { EngineContext } from './engine-context';

/**
 * The machine, not the work, stopped a task: a check that could not run (no browser, a port
 * held by another server) or a worktree setup that failed. Thrown from a task's preparation,
 * it blocks the task without paying for an attempt.
 */
export class EnvironmentFault extends Error {
  override readonly name = 'EnvironmentFault';
}

const AFTER_FIX = 'fix that, then `orch resume`';

/** Blocks the task, marked as the environment's doing, so a resume does not pay for its work again. */
export async function blockOnEnvironment(ctx: EngineContext, taskId: string, problem: string, checks?: readonly CheckResult[]): Promise<void> {
  const redo = checks === undefined ? 'redoes it' : 'runs the checks again, without a new attempt';
  await ctx.log.append({ type: 'task.blocked', taskId, reason: `environment: ${problem}; ${AFTER_FIX} ${redo}`, environment: true, checks });
}

/** The failed checks that could not run, as one line for the task's reason. */
export function unavailableChecks(checks: readonly CheckResult[]): string {
  return checks
    .filter((c) => !c.passed)
    .map((c) => `${c.check}: ${c.detail.split('\n')[0] ?? ''}`)
    .join('; ');
}
