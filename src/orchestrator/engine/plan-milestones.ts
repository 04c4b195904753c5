import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Milestone, Prd, Roadmap } from '../../protocol/domain';
import type { NewEvent } from '../../protocol/events';
import { attemptId } from '../../protocol/ids';
import type { RegistrySnapshot } from '../agents/agent-types';
import { InputError, InputErrors } from '../errors';
import { parsePrd } from '../plan/prd-parser';
import type { SubmissionHandler } from '../runner/mcp/submission-endpoint';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { assignAgents } from './assign-agents';
import { estimatePromptTokens } from './task-prompt';
import type { AttemptRunner } from './engine-context';
import { agentModel } from '../router/agent-model';

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
 * Asks the planner agent for the milestone's PRD through the submit_prd tool, which answers with
 * the same validation a hand-written PRD gets (plus: every agent it names exists), so the model
 * fixes its errors within the same turn. A planner that ends its turn without submitting but
 * wrote the JSON in its reply gets that checked the same way; otherwise it is asked again, in the
 * same session, until the tries run out. The PRD is written to `.orch/prds/`, where the user can
 * read and edit it; the caller reloads the plan.
 */
export async function planMilestone(deps: PlanningDeps, milestone: Milestone, phases: readonly string[]): Promise<string> {
  const planner = deps.registry.agents.get(PLANNER);
  if (planner === undefined) throw new InputError(`milestone ${milestone.id} has no PRD and no '${PLANNER}' agent is registered to write one`, { file: milestone.source.file, line: milestone.source.line });
  const prdId = `PRD-${milestone.id}`;
  const file = join(deps.paths.prdsDir, `${prdId}.md`);
  const taskId = `plan/${milestone.id}`;
  const model = agentModel(planner);
  const check = (value: unknown): Checked => checkPrd(value, milestone, prdId, file, phases, deps.registry);
  let prompt = planningPrompt(milestone, prdId, phases, deps.registry);
  let sessionId: string | undefined;
  let lastErrors = '';
  for (let tryNumber = 1; tryNumber <= MAX_TRIES; tryNumber++) {
    const id = attemptId(taskId, tryNumber);
    let answer = '';
    let accepted: Accepted | undefined;
    let submitted = false;
    const submitPrd: SubmissionHandler = (args) => {
      submitted = true;
      const checked = check(args);
      if (typeof checked === 'string') {
        lastErrors = checked;
        return { accepted: false, text: `Orch rejected this PRD. Fix these problems and call mcp__orch__submit_prd again with the whole corrected PRD:\n${checked}` };
      }
      accepted = checked;
      return { accepted: true, text: `Accepted: ${prdId} "${checked.prd.title}" with ${checked.prd.tasks.length} task(s). Orch writes it to ${file}. Your work is done: end your turn.` };
    };
    await deps.append({ type: 'attempt.started', taskId, attemptId: id, agent: planner.name, model, prompt, resumeOf: tryNumber === 1 ? undefined : attemptId(taskId, tryNumber - 1), promptTokens: estimatePromptTokens(prompt) });
    const outcome = await deps.runAttempt(
      {
        attemptId: id,
        taskId,
        systemPrompt: planner.prompt,
        prompt,
        model,
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
        submissions: { submit_prd: submitPrd },
      },
      (event) => {
        if (event.type === 'attempt.activity' && event.activity.kind === 'text') answer = wholeText(event.activity);
        deps.append(event).catch(() => undefined);
      },
    );
    await deps.append({ type: 'attempt.finished', attemptId: id, ...outcome });
    // An accepted PRD is kept even if the session failed afterwards: the plan is what was asked for.
    const done: Accepted | undefined = accepted ?? (outcome.outcome === 'succeeded' && !submitted ? fromReply(answer, check) : undefined);
    if (done !== undefined && !deps.signal.aborted) {
      await mkdir(deps.paths.prdsDir, { recursive: true });
      await writeFile(file, done.text);
      await deps.append({ type: 'milestone.planned', milestoneId: milestone.id, prdId, file, tasks: done.prd.tasks.length });
      return file;
    }
    if (outcome.outcome === 'failed') throw new Error(`planning milestone ${milestone.id}: the planner failed (${outcome.failure}): ${outcome.message ?? ''}`);
    sessionId = outcome.sessionId ?? sessionId;
    if (!submitted) lastErrors = replyProblems(answer, check);
    prompt = submitted
      ? `Orch has not accepted a PRD yet; its last answer to mcp__orch__submit_prd was:\n${lastErrors}\n\nFix exactly those problems and call mcp__orch__submit_prd with the whole corrected PRD.`
      : `Orch rejected your PRD:\n${lastErrors}\n\nHand it in by calling the tool mcp__orch__submit_prd with {title, tasks, body}: the whole corrected PRD.`;
  }
  throw new InputError(`the planner gave no valid PRD for milestone ${milestone.id} in ${MAX_TRIES} tries; last problems:\n${lastErrors}`, { file: milestone.source.file, line: milestone.source.line });
}

/** An activity's text is cut at the event limit; the whole reply is in the artifacts file it names. */
function wholeText(activity: { readonly text: string; readonly truncated?: string }): string {
  if (activity.truncated === undefined) return activity.text;
  try {
    return readFileSync(activity.truncated, 'utf8');
  } catch {
    return activity.text;
  }
}

type Accepted = { readonly text: string; readonly prd: Prd };
type Checked = Accepted | string;

function fromReply(answer: string, check: (value: unknown) => Checked): Accepted | undefined {
  const value = replyJson(answer);
  if (typeof value === 'string') return undefined;
  const checked = check(value.json);
  return typeof checked === 'string' ? undefined : checked;
}

function replyProblems(answer: string, check: (value: unknown) => Checked): string {
  const value = replyJson(answer);
  if (typeof value === 'string') return `- you did not call mcp__orch__submit_prd, and ${value}`;
  const checked = check(value.json);
  return typeof checked === 'string' ? checked : '';
}

function replyJson(answer: string): { readonly json: unknown } | string {
  const json = extractJson(answer);
  if (json === undefined) return 'the reply holds no JSON object';
  try {
    return { json: JSON.parse(json) as unknown };
  } catch (error) {
    return `the JSON in the reply does not parse: ${(error as Error).message}`;
  }
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
    'Hand in the PRD by calling the tool mcp__orch__submit_prd with {title, body, tasks}: `body` is the PRD in Markdown (problem, goals, non-goals, success metrics), `tasks` as in a PRD file\'s frontmatter (id, title, description, agent?, phase?, depends?, model?, output?, budgetUsd?, verify?).',
    'Orch checks it at once and answers with the result: if it lists problems, fix exactly those and call mcp__orch__submit_prd again with the whole corrected PRD. This replaces replying with the JSON object; once it is accepted, end your turn.',
  ].join('\n');
}

/** A submission (tool arguments or reply JSON) as a PRD file, checked like a hand-written one. */
function checkPrd(value: unknown, milestone: Milestone, prdId: string, file: string, phases: readonly string[], registry: RegistrySnapshot): Checked {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '- the PRD must be a JSON object with title, tasks and body';
  // Orch names the PRD and its milestone itself: whatever the model wrote there is not kept.
  const { body, id: _id, milestone: _milestone, ...frontmatter } = value as Record<string, unknown>;
  const text = `---\n${stringify({ id: prdId, milestone: milestone.id, ...frontmatter })}---\n${typeof body === 'string' && body.trim() !== '' ? body : `# ${milestone.title}`}\n`;
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
