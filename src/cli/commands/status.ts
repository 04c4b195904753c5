import { join, relative } from 'node:path';
import { evidenceInWorkspace } from '../../protocol/evidence-path';
import { splitTaskId } from '../../protocol/ids';
import type { RunSnapshot, TaskSetup } from '../../protocol/run-snapshot';
import { budgetLines, budgetSummary } from '../../protocol/budget-summary';
import { costBreakdown, qualityStats } from '../../protocol/cost-breakdown';
import { describeTaskModel, taskModels } from '../../protocol/model-of-record';
import { adaptationLines } from '../../protocol/adaptation-text';
import { liveHolder } from '../../orchestrator/engine/run-lock';
import { type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs } from '../run-cli';
import { findRunId, readRun, workspaceOf } from '../run-lookup';
import { forecastLines } from '../../orchestrator/learning/format-forecast';
import { workerLines, workerRows } from '../../protocol/worker-summary';

export const statusCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(
    args,
    { json: { type: 'boolean' }, workspace: { type: 'string' } },
    { min: 0, max: 1, names: '[runId]' },
  );
  const paths = workspaceOf(io, values.workspace);
  const run = await readRun(paths, await findRunId(paths, positionals[0]));
  if (values.json === true) {
    io.out(JSON.stringify(statusJson(run), null, 2));
    return EXIT.ok;
  }
  // As pause does: a lock left by a killed Orch, or a pid the system gave to another process, is no holder.
  const holder = await liveHolder(paths.lockFile, run.runId);
  const live = holder !== undefined ? ` (pid ${holder.pid})` : run.state === 'running' ? ' (no Orch process is running it: orch resume)' : '';
  io.out(`run ${run.runId}: ${run.state}${live}, $${run.costUsd.toFixed(4)}`);
  const status = statusJson(run);
  for (const line of budgetLines(status.budget)) io.out(`  ${line}`);
  if (run.pausedReason !== undefined) io.out(`  paused: ${run.pausedReason}`);
  for (const line of forecastLines(run)) io.out(`  ${line}`);
  for (const t of status.tasks) {
    const task = run.tasks[`${t.prd}/${t.id}`]!;
    io.out(`  ${t.state.padEnd(9)} ${t.prd}/${t.id}  ${t.agent ?? '-'} on ${describeTaskModel(taskModels(run, task))}, ${t.attempts} attempt(s), $${t.costUsd.toFixed(4)}${t.error === null ? '' : `  ${t.error}`}`);
    const why = status.routing[`${t.prd}/${t.id}`]?.reasons[0];
    if (why !== undefined) io.out(`            model: ${why}`);
    const setup = run.tasks[`${t.prd}/${t.id}`]?.setup;
    if (setup !== undefined) io.out(`            setup: ${setupLine(setup, relative(io.cwd, join(paths.root, evidenceInWorkspace(run.runId, setup.evidencePath))))}`);
  }
  const ahead = warmStarts(run);
  if (ahead.warm > 0) io.out(`  started ahead: ${ahead.warm} of ${ahead.of} attempt(s) ran on a CLI loaded while their task waited for a slot`);
  const byModel = Object.entries(status.costs.byModel).map(([m, c]) => `${m} $${c.totalUsd.toFixed(4)}${c.estimatedUsd > 0 ? ` ($${c.estimatedUsd.toFixed(4)} estimated)` : ''}`);
  if (byModel.length > 0) io.out(`  cost by model: ${byModel.join(', ')}`);
  const adapted = adaptationLines(run.adaptations, 5);
  if (adapted.length > 0) io.out(['  adapted:', ...adapted.map((l) => `    ${l}`)].join('\n'));
  for (const line of workerLines(status.workers)) io.out(`  ${line}`);
  return EXIT.ok;
};

/**
 * docs/design.md §4: `{runId,state,costUsd,tasks:[{id,prd,state,agent,model,attempts,costUsd,error}]}`,
 * plus (added keys) the budget, the cost breakdown and quality per model and role. A task's
 * `model` is the model that did its work; `modelAskedFor` the pinned or routed one.
 */
function statusJson(run: RunSnapshot) {
  return {
    ...designStatus(run),
    // Empty in a one-process run; in a distributed one, who is alive and what each is running.
    workers: workerRows(run, Date.now()),
    pausedReason: run.pausedReason ?? null,
    forecast: run.forecast ?? null,
    budget: budgetSummary(run),
    costs: costBreakdown(run),
    quality: qualityStats(run),
    adaptations: run.adaptations ?? [],
    routing: Object.fromEntries(run.taskOrder.flatMap((id) => {
      const r = run.tasks[id]?.routing;
      return r === undefined ? [] : [[id, { model: r.model, source: r.source, complexity: r.complexity, reasons: r.reasons }]];
    })),
  };
}

function designStatus(run: RunSnapshot) {
  return {
    runId: run.runId,
    state: run.state,
    costUsd: run.costUsd,
    tasks: run.taskOrder.map((qualified) => {
      const t = run.tasks[qualified]!;
      const models = taskModels(run, t);
      return {
        id: splitTaskId(qualified).taskId,
        prd: t.prdId,
        state: t.state,
        agent: t.agent ?? null,
        model: models.model ?? models.askedFor ?? null,
        modelAskedFor: models.askedFor ?? null,
        modelsTried: models.tried,
        attempts: t.attempts.length,
        costUsd: t.costUsd,
        error: t.state === 'verified' ? null : (t.error ?? null),
      };
    }),
  };
}

/** Attempts whose CLI said it was started ahead (`init` with `warm`), of those that got as far as an `init`. */
function warmStarts(run: RunSnapshot): { readonly warm: number; readonly of: number } {
  const inits = Object.values(run.attempts).flatMap((a) => a.activity.filter((x) => x.kind === 'init').slice(0, 1));
  return { warm: inits.filter((x) => x.kind === 'init' && x.warm === true).length, of: inits.length };
}

function setupLine(setup: TaskSetup, logPath: string): string {
  const what = setup.command === undefined ? 'worktree prepared' : `\`${setup.command}\``;
  const copied = setup.included > 0 ? `, ${setup.included} .worktreeinclude path(s) copied` : '';
  const when = setup.ahead === true ? ', ahead while the task waited for a slot' : '';
  return `${what} ${setup.outcome} in ${(setup.durationMs / 1000).toFixed(1)} s${copied}${when} (log: ${logPath})`;
}
