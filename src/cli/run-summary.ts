import type { RunOutcome } from '../orchestrator/engine/start-run';
import type { EngineResult } from '../orchestrator/engine/workflow-engine';
import { type CliIo } from './cli-io';
import { EXIT } from '../protocol/exit-codes';
import { budgetLines, budgetSummary } from '../protocol/budget-summary';
import { describeTaskModel, taskModels } from '../protocol/model-of-record';

export function exitCodeFor(result: EngineResult): number {
  switch (result) {
    case 'completed':
      return EXIT.ok;
    case 'failed':
      return EXIT.taskFailed;
    case 'paused':
      return EXIT.budget;
    case 'cancelled':
      return EXIT.cancelled;
  }
}

export function printSummary(outcome: RunOutcome, io: CliIo): void {
  const tasks = outcome.snapshot.taskOrder.map((id) => outcome.snapshot.tasks[id]!);
  const verified = tasks.filter((t) => t.state === 'verified').length;
  io.out(`\nrun ${outcome.runId}: ${outcome.result}, ${verified}/${tasks.length} tasks verified, $${outcome.snapshot.costUsd.toFixed(4)}`);
  for (const t of tasks) {
    io.out(`  ${t.state.padEnd(9)} ${t.id.padEnd(16)} ${(t.agent ?? '-').padEnd(20)} ${String(t.attempts.length).padStart(2)} attempt(s)  $${t.costUsd.toFixed(4)}  ${describeTaskModel(taskModels(outcome.snapshot, t))}${t.error === undefined || t.state === 'verified' ? '' : `  ${t.error}`}`);
  }
  const budget = budgetSummary(outcome.snapshot);
  const spend = budgetLines(budget)[0];
  if (spend !== undefined) io.out(spend);
  if (outcome.integrationBranch !== undefined && verified > 0) {
    io.out(`verified work is on branch ${outcome.integrationBranch}: review it with 'orch diff ${outcome.runId}', take it with 'orch merge ${outcome.runId}'`);
  }
  if (outcome.result === 'paused' || outcome.result === 'cancelled' || outcome.result === 'failed') {
    const example = budget.continueWith === null ? '' : ` (USD is the new total, e.g. ${budget.continueWith})`;
    io.out(`continue with: orch resume ${outcome.runId}${outcome.result === 'paused' ? ` --budget USD${example}` : ''}`);
  }
}
