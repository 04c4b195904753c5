import { resolve } from 'node:path';
import { loadPlan } from '../../orchestrator/plan/load-plan';
import { startRun } from '../../orchestrator/engine/start-run';
import { planNeeds } from '../../orchestrator/preflight/plan-needs';
import { type CliIo, type Command } from '../cli-io';
import { cliAudited } from '../cli-audit';
import { workspaceOf } from '../run-lookup';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs, UsageError } from '../run-cli';
import { driveRun } from '../drive-run';
import { checkDashboardFlags } from '../run-dashboard';
import { passesPreflight, prepareRun } from '../run-setup';

export const runCommand: Command = async (args, io) => {
  const parsed = parseRunArgs(args);
  const { values, positionals } = parsed;
  const detail = { roadmap: positionals[0]!, milestones: values.milestone ?? [], parallel: values.parallel ?? null, budgetUsd: values.budget ?? null };
  // Recorded before the preflight: a refused start is in the log too, with its exit code.
  return cliAudited(io, workspaceOf(io, values.workspace), { action: 'run.start', detail }, () => runParsed(parsed, io));
};

function parseRunArgs(args: readonly string[]) {
  const parsed = parseCommandArgs(
    args,
    {
      milestone: { type: 'string', multiple: true },
      parallel: { type: 'string' },
      budget: { type: 'string' },
      port: { type: 'string' },
      'no-dashboard': { type: 'boolean' },
      workspace: { type: 'string' },
      'claude-path': { type: 'string' },
      'no-git': { type: 'boolean' },
      queue: { type: 'string' },
    },
    { min: 1, max: 1, names: '<roadmap.md>' },
  );
  checkDashboardFlags(parsed.values);
  return parsed;
}

async function runParsed({ values, positionals }: ReturnType<typeof parseRunArgs>, io: CliIo): Promise<number> {
  const setup = await prepareRun(io, { workspace: values.workspace, claudePath: values['claude-path'] });
  const roadmapFile = resolve(io.cwd, positionals[0]!);
  const roadmap = await loadPlan({ roadmapFile, workspaceDir: setup.paths.root, phases: setup.config.phases });
  for (const w of roadmap.warnings ?? []) io.err(`orch: warning: ${w.file}:${w.line}: ${w.message}`);
  const milestones = values.milestone ?? [];
  const parallel = positiveNumber(values.parallel, '--parallel', true);
  const budgetUsd = positiveNumber(values.budget, '--budget', false);
  const noGit = values['no-git'] === true;
  const needs = planNeeds(roadmap, milestones, setup.registry, setup.config);
  if (!(await passesPreflight(io, setup, { needs, git: !noGit }))) return EXIT.usage;
  return driveRun(
    io,
    setup,
    values,
    (log) => `run ${log.runId} started; log: ${log.file}`,
    (deps) => startRun({ ...deps, noGit }, { roadmap, milestones, parallel, budgetUsd }),
  );
}

export function positiveNumber(text: string | undefined, flag: string, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag} expects a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(text)}`);
  }
  return value;
}
