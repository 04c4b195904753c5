import { requestRunControl } from '../../orchestrator/engine/request-run-control';
import { liveHolder } from '../../orchestrator/engine/run-lock';
import { resumeRun } from '../../orchestrator/engine/start-run';
import { RETRYABLE_STATES, selectRetryTasks } from '../../orchestrator/engine/task-selection';
import { InputError } from '../../orchestrator/errors';
import { planNeeds } from '../../orchestrator/preflight/plan-needs';
import { type CliIo, type Command } from '../cli-io';
import { cliAudited } from '../cli-audit';
import { EXIT } from '../../protocol/exit-codes';
import { waitForRun } from '../live-run';
import { parseCommandArgs } from '../run-cli';
import { findRunId, readRun, workspaceOf } from '../run-lookup';
import { driveRun } from '../drive-run';
import { checkDashboardFlags } from '../run-dashboard';
import { passesPreflight, prepareRun } from '../run-setup';
import { exitCodeFor } from '../run-summary';
import { positiveNumber } from './run';

export const resumeCommand: Command = async (args, io) => {
  const parsed = parseResumeArgs(args);
  const { values, positionals } = parsed;
  const paths = workspaceOf(io, values.workspace);
  const runId = await findRunId(paths, positionals[0]);
  const budgetUsd = positiveNumber(values.budget, '--budget', false);
  const tasks = values.task;
  const action = tasks !== undefined ? 'run.retry' : budgetUsd !== undefined ? 'run.budget' : 'run.resume';
  return cliAudited(io, paths, { action, target: runId, detail: { tasks: tasks ?? null, budgetUsd: budgetUsd ?? null } }, () => resumeParsed(parsed, io, runId));
};

function parseResumeArgs(args: readonly string[]) {
  const parsed = parseCommandArgs(
    args,
    {
      budget: { type: 'string' },
      task: { type: 'string', multiple: true },
      workspace: { type: 'string' },
      'claude-path': { type: 'string' },
      port: { type: 'string' },
      'no-dashboard': { type: 'boolean' },
      'no-git': { type: 'boolean' },
      queue: { type: 'string' },
    },
    { min: 0, max: 1, names: '[runId]' },
  );
  checkDashboardFlags(parsed.values);
  return parsed;
}

async function resumeParsed({ values }: ReturnType<typeof parseResumeArgs>, io: CliIo, runId: string): Promise<number> {
  const paths = workspaceOf(io, values.workspace);
  const budgetUsd = positiveNumber(values.budget, '--budget', false);
  // A run paused by `orch pause` keeps its process (and the lock): that process resumes it.
  const holder = await liveHolder(paths.lockFile, runId);
  if (holder !== undefined) {
    if (values.task !== undefined || budgetUsd !== undefined) {
      throw new InputError(
        `run ${runId} is live in pid ${holder.pid} (${holder.command}); --task and --budget apply when a stopped run is resumed`,
        { file: paths.lockFile },
        `wait for it to end, or stop it with 'orch cancel ${runId}', then resume it`,
      );
    }
    const before = await readRun(paths, runId);
    // Its process has written the end but not yet released the lock: nothing to resume.
    if (before.state === 'completed' || before.state === 'failed' || before.state === 'cancelled') {
      io.out(`run ${runId} has finished: ${before.state}`);
      return exitCodeFor(before.state);
    }
    await requestRunControl(paths, runId, 'resume');
    if (before.state !== 'paused') {
      io.out(`run ${runId} is already running in pid ${holder.pid}; a pause it had not reached yet is withdrawn`);
      return EXIT.ok;
    }
    io.out(`asked Orch (pid ${holder.pid}) to resume run ${runId}`);
    const after = await waitForRun(paths, runId, (r) => r.state !== 'paused', 30_000);
    if (after === undefined) {
      io.err(`orch: run ${runId} has not left its pause after 30 s`);
      return EXIT.taskFailed;
    }
    io.out(`run ${runId} is ${after.state}`);
    return EXIT.ok;
  }
  const run = await readRun(paths, runId);
  // Refused before the preflight, the dashboard and the lock: a finished run has nothing to spend on.
  if (run.state === 'completed') {
    throw new InputError(`run ${runId} is completed; nothing to resume`, { file: paths.eventsFile(runId) }, "start a new run with 'orch run <roadmap.md>'");
  }
  const setup = await prepareRun(io, { workspace: values.workspace, claudePath: values['claude-path'] });
  const tasks = values.task;
  const noGit = values['no-git'] === true;
  // What the resume will run, from the plan the run logged: its unverified tasks, except the
  // stopped ones that --task leaves out.
  if (run.roadmap !== undefined) {
    const retry = tasks === undefined ? undefined : new Set(selectRetryTasks(run, tasks, paths.eventsFile(runId)));
    const willRun = (id: string): boolean => {
      const state = run.tasks[id]?.state ?? 'pending';
      if (state === 'verified') return false;
      return retry === undefined || !RETRYABLE_STATES.includes(state) || retry.has(id);
    };
    const needs = planNeeds(run.roadmap, run.milestones, setup.registry, setup.config, willRun);
    if (!(await passesPreflight(io, setup, { needs, git: !noGit }))) return EXIT.usage;
  }
  const what = tasks === undefined ? `resuming run ${runId}` : `retrying ${tasks.join(', ')} in run ${runId}`;
  return driveRun(io, setup, values, () => what, (deps) => resumeRun({ ...deps, noGit }, runId, budgetUsd, tasks));
}
