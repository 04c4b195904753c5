// `orch plan <roadmap.md> [--json] [--workspace DIR]`: the plan tree, read-only (docs/design.md §4);
// with `--infer [--claude-path P]`, the planner agent structures a free-form roadmap first; with
// `--estimate [--parallel N]`, predicted duration, cost and risk from the learning store.
import { isAbsolute, relative, resolve } from 'node:path';
import { withModelsFromEnv } from '../../orchestrator/config/models-env';
import type { OrchConfig } from '../../orchestrator/config/orch-config';
import { assignAgents } from '../../orchestrator/engine/assign-agents';
import { workspaceAgents } from '../workspace-agents';
import type { Milestone, Phase, Prd, Roadmap, Task } from '../../protocol/domain';
import { loadConfig } from '../../orchestrator/config/orch-config';
import { InputError, InputErrors } from '../../orchestrator/errors';
import { loadPlan } from '../../orchestrator/plan/load-plan';
import { workspacePaths } from '../../orchestrator/workspace/workspace-paths';
import { type CliIo, type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs, UsageError } from '../run-cli';
import { planInfer } from './plan-infer';
import { planEstimate } from './plan-estimate';
import { workspaceOf } from '../run-lookup';

export interface PlanJson {
  readonly phases: readonly {
    readonly id: string;
    readonly title: string;
    readonly milestones: readonly {
      readonly id: string;
      readonly title: string;
      readonly prds: readonly {
        readonly id: string;
        readonly title: string;
        // agent and phase are null when the PRD leaves them to the registry and the engine.
        readonly tasks: readonly { id: string; title: string; agent: string | null; phase: string | null; depends: readonly string[] }[];
      }[];
    }[];
  }[];
}

export const planCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(
    args,
    { json: { type: 'boolean' }, workspace: { type: 'string' }, infer: { type: 'boolean' }, 'claude-path': { type: 'string' }, estimate: { type: 'boolean' }, parallel: { type: 'string' } },
    { min: 1, max: 1, names: '<roadmap.md>' },
  );
  const workspaceDir = workspaceOf(io, values.workspace).root;
  const roadmapFile = resolve(io.cwd, positionals[0] as string);
  if (values.parallel !== undefined && values.estimate !== true) throw new UsageError('--parallel only goes with --estimate');
  if (values.infer === true && values.estimate === true) throw new UsageError('--infer and --estimate do not go together: infer the roadmap first, save it, then estimate it');
  if (values.infer === true) {
    return planInfer(io, roadmapFile, { workspace: workspaceDir, json: values.json === true, ...(values['claude-path'] === undefined ? {} : { claudePath: values['claude-path'] }) });
  }
  let plan: Roadmap;
  let config: OrchConfig;
  try {
    config = withModelsFromEnv(await loadConfig(workspacePaths(workspaceDir).configFile), io.env);
    plan = await loadPlan({ roadmapFile, workspaceDir, phases: config.phases });
  } catch (error) {
    throw relativeToCwd(error, io.cwd);
  }
  if (values.estimate === true) {
    for (const w of plan.warnings ?? []) io.err(`orch: warning: ${displayPath(w.file, io.cwd)}:${w.line}: ${w.message}`);
    return planEstimate(io, plan, { workspace: workspaceDir, json: values.json === true, ...(values.parallel === undefined ? {} : { parallel: values.parallel }) }).catch((error: unknown) => {
      throw relativeToCwd(error, io.cwd);
    });
  }
  const warnings = (plan.warnings ?? []).map((w) => ({ file: displayPath(w.file, io.cwd), line: w.line, message: w.message }));
  const json = warnings.length === 0 ? planJson(plan) : { ...planJson(plan), warnings };
  io.out(values.json === true ? JSON.stringify(json, null, 2) : planTree(plan, displayPath(roadmapFile, io.cwd)));
  for (const w of warnings) io.err(`orch: warning: ${w.file}:${w.line}: ${w.message}`);
  for (const problem of await assignmentProblems(plan, workspaceDir, config, io)) io.err(`orch: warning: ${problem}`);
  return EXIT.ok;
};

/**
 * What `orch run` would refuse about who does each task (an agent not in the registry, a model
 * not in the catalog), said while the plan is only being looked at. Warnings, not errors: the
 * plan is still shown whole, and its JSON keeps its shape.
 */
async function assignmentProblems(plan: Roadmap, workspace: string, config: OrchConfig, io: CliIo): Promise<string[]> {
  const snapshot = await workspaceAgents(io, workspace, config.phases);
  try {
    assignAgents(plan, [], snapshot, config);
    return [];
  } catch (error) {
    const found = relativeToCwd(error, io.cwd);
    if (found instanceof InputErrors) return [...found.errors.map((e) => e.format()), "orch run refuses the plan until these are fixed"];
    if (found instanceof InputError) return [found.format(), "orch run refuses the plan until this is fixed"];
    throw error;
  }
}

export function planJson(plan: Roadmap): PlanJson {
  return {
    phases: plan.phases.map((phase) => ({
      id: phase.id,
      title: phase.title,
      milestones: phase.milestones.map((m) => ({
        id: m.id,
        title: m.title,
        prds: m.prds.map((prd) => ({
          id: prd.id,
          title: prd.title,
          tasks: prd.tasks.map((t) => ({ id: t.id, title: t.title, agent: t.agent ?? null, phase: t.phase ?? null, depends: [...t.depends] })),
        })),
      })),
    })),
  };
}

function planTree(plan: Roadmap, file: string): string {
  const milestones = plan.phases.flatMap((p) => p.milestones);
  const prds = milestones.flatMap((m) => m.prds);
  const tasks = prds.reduce((n, prd) => n + prd.tasks.length, 0);
  const lines = [
    plan.title === '' ? file : `${plan.title} (${file})`,
    `${count(plan.phases.length, 'phase')}, ${count(milestones.length, 'milestone')}, ${count(prds.length, 'PRD')}, ${count(tasks, 'task')}`,
  ];
  for (const phase of plan.phases) lines.push('', ...phaseLines(phase));
  if (prds.length < milestones.length || prds.some((prd) => prd.tasks.length === 0)) {
    lines.push('', 'Milestones without a PRD and PRDs without tasks are planned by the planning agent in the requirements phase.');
  }
  return lines.join('\n');
}

function phaseLines(phase: Phase): string[] {
  const lines = [`Phase ${phase.id}: ${phase.title}${phase.duration === undefined ? '' : ` (${phase.duration})`}`];
  for (const m of phase.milestones) lines.push(...milestoneLines(m));
  return lines;
}

function milestoneLines(m: Milestone): string[] {
  const lines = [`  Milestone ${m.id}: ${m.title}${m.duration === undefined ? '' : ` [${m.duration}]`}${m.prds.length === 0 ? ' (no PRD yet)' : ''}`];
  for (const prd of m.prds) lines.push(...prdLines(prd));
  return lines;
}

function prdLines(prd: Prd): string[] {
  const lines = [`    ${prd.id}: ${prd.title}${prd.tasks.length === 0 ? ' (no tasks yet)' : ''}`];
  for (const task of prd.tasks) lines.push(`      ${taskLine(task)}`);
  return lines;
}

function taskLine(task: Task): string {
  const who = `${task.agent ?? 'agent by phase'}, ${task.phase ?? "agent's first phase"}`;
  const after = task.depends.length === 0 ? '' : ` after ${task.depends.join(', ')}`;
  return `${task.id} ${task.title} [${who}]${after}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Paths under the working directory print relative to it, as the user typed them. */
function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function relativeToCwd(error: unknown, cwd: string): unknown {
  const fix = (e: InputError): InputError =>
    e.file === undefined ? e : new InputError(e.message, { file: displayPath(e.file, cwd), ...(e.line === undefined ? {} : { line: e.line }) }, e.hint);
  if (error instanceof InputError) return fix(error);
  if (error instanceof InputErrors) return new InputErrors(error.errors.map(fix));
  return error;
}
