import type { Milestone, Prd, Roadmap } from '../../protocol/domain';
import { budgetLines, budgetSummary } from '../../protocol/budget-summary';
import { foldEvents } from '../../protocol/fold';
import { attemptModel, describeTaskModel, taskModels } from '../../protocol/model-of-record';
import { qualifiedTaskId } from '../../protocol/ids';
import type { AttemptSnapshot, RunSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import { tally } from '../../protocol/task-tally';
import { formatCost, progressText } from './progress';
import { attemptIcon, groupState, runIcon, taskIcon } from './state-icons';
import type { TreeNode } from './tree-node';
import { defectsNode } from './defects-tree';

// Roadmap > Phase > Milestone > PRD > Task > Attempt, from a run's folded state (or, before
// any run, from the plan alone). Pure: the same snapshot always gives the same tree.

export function runTree(run: RunSnapshot): readonly TreeNode[] {
  const roadmap = run.roadmap;
  if (roadmap === undefined) {
    // Its own id: VS Code keeps an id's collapsed state, and this one has no children to expand.
    return [{ id: `run:${run.runId}:waiting`, kind: 'message', label: `Run ${run.runId}`, description: `${run.state} · waiting for the plan`, icon: { id: runIcon(run.state) }, children: [] }];
  }
  const selected = new Set(run.milestones);
  const phases = roadmap.phases
    .map((phase) => {
      const milestones = phase.milestones.filter((m) => selected.size === 0 || selected.has(m.id));
      return { phase, milestones };
    })
    .filter((p) => p.milestones.length > 0)
    .map(({ phase, milestones }) =>
      groupNode(`phase:${phase.id}`, 'phase', `Phase ${phase.id}: ${phase.title}`, milestones.flatMap((m) => m.prds.flatMap((prd) => tasksOf(prd, run))), milestones.map((m) => milestoneNode(m, run)), phase.duration),
    );
  const progress = tally(run.taskOrder.map((id) => run.tasks[id]).filter(isDefined));
  const tooltip = [
    `Run ${run.runId}`,
    `State: ${run.state}${run.pausedReason === undefined ? '' : ` (${run.pausedReason})`}`,
    `Roadmap: ${run.roadmapFile}`,
    `Milestones: ${run.milestones.length === 0 ? 'all' : run.milestones.join(', ')}`,
    `Cost: ${formatCost(run.costUsd)}${run.budgetUsd === undefined ? '' : ` of ${formatCost(run.budgetUsd)}`}`,
    ...budgetLines(budgetSummary(run)).map((line) => `Budget: ${line}`),
    `Started: ${run.startedAt}`,
    ...(run.finishedAt === undefined ? [] : [`Finished: ${run.finishedAt}`]),
    ...run.warnings.slice(-5).map((w) => `Warning: ${w}`),
  ].join('\n');
  return [
    {
      id: `run:${run.runId}`,
      kind: 'roadmap',
      label: roadmap.title,
      description: `${run.state} · ${progressText({ ...progress, costUsd: run.costUsd })}`,
      tooltip,
      icon: { id: runIcon(run.state) },
      state: run.state,
      expanded: true,
      file: roadmap.file,
      children: [...phases, ...defectsNode(run, Date.parse(run.updatedAt))],
    },
  ];
}

function milestoneNode(m: Milestone, run: RunSnapshot): TreeNode {
  const tasks = m.prds.flatMap((prd) => tasksOf(prd, run));
  const empty = m.prds.length === 0 ? 'no PRD yet: planned in the requirements phase' : undefined;
  return groupNode(`milestone:${m.id}`, 'milestone', `${m.id} ${m.title}`, tasks, m.prds.map((prd) => prdNode(prd, run)), m.focus, empty);
}

function prdNode(prd: Prd, run: RunSnapshot): TreeNode {
  const tasks = tasksOf(prd, run);
  const node = groupNode(`prd:${prd.id}`, 'prd', `${prd.id} ${prd.title}`, tasks, tasks.map((t) => taskNode(t, run)));
  return { ...node, file: prd.source.file };
}

function tasksOf(prd: Prd, run: RunSnapshot): TaskSnapshot[] {
  return prd.tasks.map((t) => run.tasks[qualifiedTaskId(prd.id, t.id)]).filter(isDefined);
}

/** A phase, milestone or PRD: its state and progress summarise the tasks beneath it. */
function groupNode(id: string, kind: TreeNode['kind'], label: string, tasks: readonly TaskSnapshot[], children: readonly TreeNode[], detail?: string, empty?: string): TreeNode {
  const state = groupState(tasks.map((t) => t.state));
  const progress = progressText(tally(tasks));
  return {
    id,
    kind,
    label,
    description: empty ?? progress,
    tooltip: [label, `State: ${state}`, progress, ...(detail === undefined ? [] : [detail])].join('\n'),
    icon: taskIcon(state),
    state,
    expanded: true,
    children,
  };
}

function taskNode(t: TaskSnapshot, run: RunSnapshot): TreeNode {
  const attempts = t.attempts.map((id) => run.attempts[id]).filter(isDefined).map(attemptNode);
  const shortId = t.id.slice(t.prdId.length + 1);
  const models = taskModels(run, t);
  // The model is named on the row only when it is not the one asked for (a fallback, a stream that said otherwise).
  const swapped = models.model !== undefined && models.askedFor !== undefined && models.model !== models.askedFor ? `${models.model} (asked for ${models.askedFor})` : undefined;
  const parts = [t.state, t.agent, swapped, t.costUsd > 0 ? formatCost(t.costUsd) : undefined, t.defects > 0 ? `${t.defects} rework` : undefined];
  const tooltip = [
    `${t.id}: ${t.title}`,
    `State: ${t.state}`,
    ...(t.agent === undefined ? [] : [`Agent: ${t.agent}`]),
    ...(models.model === undefined && models.askedFor === undefined ? [] : [`Model: ${describeTaskModel(models)}`]),
    ...(t.phase === undefined ? [] : [`Phase: ${t.phase}`]),
    ...(t.depends.length === 0 ? [] : [`Depends on: ${t.depends.join(', ')}`]),
    `Attempts: ${t.attempts.length} · ${formatCost(t.costUsd)}`,
    ...(t.error === undefined ? [] : [`Error: ${t.error}`]),
    ...t.checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.check}: ${c.detail}`),
  ].join('\n');
  return {
    id: `task:${t.id}`,
    kind: 'task',
    label: `${shortId} ${t.title}`,
    description: parts.filter(isDefined).join(' · '),
    tooltip,
    icon: taskIcon(t.state),
    state: t.state,
    expanded: t.state === 'running' || t.state === 'verifying',
    children: attempts,
  };
}

function attemptNode(a: AttemptSnapshot): TreeNode {
  const n = a.id.slice(a.id.lastIndexOf('#'));
  const tooltip = [
    `Attempt ${a.id}`,
    `Agent: ${a.agent}`,
    `Model: ${attemptModel(a)}${attemptModel(a) === a.model ? '' : ` (asked for ${a.model})`}${a.modelUsed === undefined ? '' : `, answered as ${a.modelUsed}`}`,
    `Outcome: ${a.state}${a.failure === undefined ? '' : ` (${a.failure})`}`,
    ...(a.message === undefined ? [] : [`Message: ${a.message}`]),
    `Cost: ${formatCost(a.costUsd)}${a.costSource === 'estimated' ? ' (estimated)' : ''} · ${a.inputTokens} in / ${a.outputTokens} out tokens`,
    ...(a.worker === undefined ? [] : [`Worker: ${a.worker}${a.workerHost === undefined ? '' : ` on ${a.workerHost}`}`]),
    `Started: ${a.startedAt}`,
    ...(a.finishedAt === undefined ? [] : [`Finished: ${a.finishedAt}`]),
    ...(a.resumeOf === undefined ? [] : [`Reworks ${a.resumeOf}`]),
  ].join('\n');
  return {
    id: `attempt:${a.id}`,
    kind: 'attempt',
    label: `${n} ${a.agent}`,
    description: [a.state, attemptModel(a), formatCost(a.costUsd), ...(a.worker === undefined ? [] : [a.worker])].join(' · '),
    tooltip,
    icon: attemptIcon(a.state),
    children: [],
  };
}

/** Before any run: the plan as written, every task pending, folded by the core's own projector. */
export function planTree(roadmap: Roadmap): readonly TreeNode[] {
  const at = '1970-01-01T00:00:00.000Z';
  const planned = foldEvents([
    { type: 'run.started', seq: 1, at, runId: 'plan', roadmapFile: roadmap.file, milestones: [] },
    { type: 'plan.loaded', seq: 2, at, runId: 'plan', roadmap },
  ]);
  const [root] = planned === undefined ? [] : runTree(planned);
  if (root === undefined) return [];
  const milestones = roadmap.phases.reduce((n, p) => n + p.milestones.length, 0);
  const tasks = planned?.taskOrder.length ?? 0;
  return [
    {
      ...root,
      id: `plan:${roadmap.file}`,
      description: `plan · ${count(milestones, 'milestone')} · ${count(tasks, 'task')}`,
      tooltip: `Plan of ${roadmap.file}\n${count(roadmap.phases.length, 'phase')}, ${count(milestones, 'milestone')}, ${count(tasks, 'task')}\nNot run yet: Orch: Run starts it.`,
      icon: { id: 'map' },
      state: 'plan',
    },
  ];
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
