import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Milestone, Prd, Roadmap } from '../../protocol/domain';
import type { NewEvent } from '../../protocol/events';
import { attemptId } from '../../protocol/ids';
import type { RegistrySnapshot } from '../agents/agent-types';
import { InputError, InputErrors } from '../errors';
import { parsePrd } from '../plan/prd-parser';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { assignAgents } from './assign-agents';
import type { AttemptRunner } from './engine-context';

export interface PlanningDeps {
  readonly paths: WorkspacePaths;
  readonly registry: RegistrySnapshot;
  readonly runAttempt: AttemptRunner;
  readonly claudePath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
  readonly runId: string;
  readonly attemptTimeoutSec: number;
  readonly inactivityTimeoutSec: number;
  readonly append: (event: NewEvent) => Promise<unknown>;
}

const PLANNER = 'product-planner';
const MAX_TRIES = 3;

/** Milestones of the run that have no PRD with tasks: the planner writes one for each. */
export function milestonesToPlan(roadmap: Roadmap, selected: readonly string[]): Milestone[] {
  return roadmap.phases
    .flatMap((p) => p.milestones)
    .filter((m) => (selected.length === 0 || selected.includes(m.id)) && m.prds.every((prd) => prd.tasks.length === 0));
}

/**
 * Asks the planner agent for the milestone's PRD as JSON, checks it with the same validation a
 * hand-written PRD gets (plus: every agent it names exists), and feeds the errors back to the
 * same session until it is right or the tries run out. The PRD is written to `.orch/prds/`,
 * where the user can read and edit it; the caller reloads the plan.
 */
export async function planMilestone(deps: PlanningDeps, milestone: Milestone, phases: readonly string[]): Promise<string> {
  const planner = deps.registry.agents.get(PLANNER);
  if (planner === undefined) throw new InputError(`milestone ${milestone.id} has no PRD and no '${PLANNER}' agent is registered to write one`, { file: milestone.source.file, line: milestone.source.line });
  const prdId = `PRD-${milestone.id}`;
  const file = join(deps.paths.prdsDir, `${prdId}.md`);
  const taskId = `plan/${milestone.id}`;
  let prompt = planningPrompt(milestone, prdId, phases, deps.registry);
  let sessionId: string | undefined;
  let lastErrors = '';
  for (let tryNumber = 1; tryNumber <= MAX_TRIES; tryNumber++) {
    const id = attemptId(taskId, tryNumber);
    let answer = '';
    await deps.append({ type: 'attempt.started', taskId, attemptId: id, agent: planner.name, model: planner.model === 'inherit' ? 'sonnet' : planner.model, prompt, resumeOf: tryNumber === 1 ? undefined : attemptId(taskId, tryNumber - 1) });
    const outcome = await deps.runAttempt(
      {
        attemptId: id,
        taskId,
        systemPrompt: planner.prompt,
        prompt,
        model: planner.model === 'inherit' ? 'sonnet' : planner.model,
        allowedTools: planner.tools ?? ['Read', 'Glob', 'Grep'],
        permissionMode: 'default',
        cwd: deps.paths.root,
        env: { ...deps.env, ORCH_RUN_ID: deps.runId, ORCH_ATTEMPT_ID: id },
        claudePath: deps.claudePath,
        artifactsDir: deps.paths.artifactsDir(deps.runId),
        timeoutSec: deps.attemptTimeoutSec,
        inactivityTimeoutSec: deps.inactivityTimeoutSec,
        resumeSessionId: sessionId,
        signal: deps.signal,
      },
      (event) => {
        if (event.type === 'attempt.activity' && event.activity.kind === 'text') answer = event.activity.text;
        deps.append(event).catch(() => undefined);
      },
    );
    await deps.append({ type: 'attempt.finished', attemptId: id, ...outcome });
    if (outcome.outcome === 'failed') throw new Error(`planning milestone ${milestone.id}: the planner failed (${outcome.failure}): ${outcome.message ?? ''}`);
    sessionId = outcome.sessionId ?? sessionId;
    const checked = checkPlan(answer, milestone, prdId, file, phases, deps.registry);
    if (typeof checked === 'string') {
      lastErrors = checked;
      prompt = `Orch rejected your PRD:\n${checked}\n\nReply with the whole corrected JSON object.`;
      continue;
    }
    await mkdir(deps.paths.prdsDir, { recursive: true });
    await writeFile(file, checked.text);
    await deps.append({ type: 'milestone.planned', milestoneId: milestone.id, prdId, file, tasks: checked.prd.tasks.length });
    return file;
  }
  throw new InputError(`the planner gave no valid PRD for milestone ${milestone.id} in ${MAX_TRIES} tries; last problems:\n${lastErrors}`, { file: milestone.source.file, line: milestone.source.line });
}

function planningPrompt(milestone: Milestone, prdId: string, phases: readonly string[], registry: RegistrySnapshot): string {
  const agents = [...registry.agents.values()].filter((a) => a.provider === 'claude');
  return [
    `Write the PRD for roadmap milestone ${milestone.id}: ${milestone.title}. Use the id "${prdId}" and milestone "${milestone.id}".`,
    '',
    ...(milestone.duration === undefined ? [] : [`Duration: ${milestone.duration}`]),
    ...(milestone.focus === undefined ? [] : [`Focus: ${milestone.focus}`]),
    ...(milestone.features.length === 0 ? [] : ['Features:', ...milestone.features.map((f) => `- ${f}`)]),
    ...(milestone.successMetrics.length === 0 ? [] : ['Success metrics:', ...milestone.successMetrics.map((m) => `- ${m}`)]),
    '',
    `Workflow phases, in order: ${phases.join(', ')}.`,
    'Agents you may name:',
    ...agents.map((a) => `- ${a.name} (phases: ${a.phases.join(', ') || 'none'}): ${a.description}`),
    '',
    'Reply with the JSON object only.',
  ].join('\n');
}

type Checked = { readonly text: string; readonly prd: Prd } | string;

function checkPlan(answer: string, milestone: Milestone, prdId: string, file: string, phases: readonly string[], registry: RegistrySnapshot): Checked {
  const json = extractJson(answer);
  if (json === undefined) return 'the reply holds no JSON object';
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return `the JSON does not parse: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the reply is not a JSON object';
  const { body, ...frontmatter } = value as Record<string, unknown>;
  const text = `---\n${stringify({ ...frontmatter, id: prdId, milestone: milestone.id })}---\n${typeof body === 'string' ? body : `# ${milestone.title}`}\n`;
  const parsed = parsePrd(text, file, phases);
  if (parsed.errors.length > 0 || parsed.prd === undefined) return parsed.errors.map((e) => `- ${e.format()}`).join('\n') || '- the PRD did not parse';
  if (parsed.prd.tasks.length === 0) return '- the PRD has no tasks';
  const roadmap: Roadmap = { title: '', file, phases: [{ id: milestone.phaseId, title: '', source: milestone.source, milestones: [{ ...milestone, prds: [parsed.prd] }] }] };
  try {
    assignAgents(roadmap, [], registry);
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => `- ${e.format()}`).join('\n');
    throw error;
  }
  return { text, prd: parsed.prd };
}

/** The outermost `{...}` of the reply, fenced or not: models add prose around JSON anyway. */
function extractJson(answer: string): string | undefined {
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  return start < 0 || end <= start ? undefined : answer.slice(start, end + 1);
}
