import type { AttemptSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import { attemptId } from '../../protocol/ids';
import type { RunRouter } from '../router/run-router';
import type { EngineContext } from './engine-context';
import { dependencyFacts, reworkFacts } from './brief-facts';
import { worktreeSetupNote } from '../worktree/setup-note';
import { runMessageHub } from '../messaging/run-message-hub';
import { consultAgent } from '../messaging/consult-agent';
import { estimatePromptTokens, reworkPrompt, taskPrompt, type BriefContext } from './task-prompt';
import { briefLessons } from '../defects/close-defects';
import { reworkAgent } from '../defects/raise-defect';
import { attemptVerify } from './attempt-checks';
import type { AttemptRequest } from '../runner/attempt-request';
import type { AgentDefinition } from '../agents/agent-types';

const DEFAULT_TOOLS = ['Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'LS', 'Bash'];

export interface AttemptPlan {
  readonly model: string;
  readonly capUsd: number | undefined;
  readonly router: RunRouter;
}

/** Starts one attempt of the task with its brief (or its rework brief) and logs how it ended. */
export async function runOneAttempt(ctx: EngineContext, taskId: string, cwd: string, task: TaskSnapshot, previous: AttemptSnapshot | undefined, plan: AttemptPlan): Promise<AttemptSnapshot> {
  const { task: spec, prd } = ctx.tasks.get(taskId)!;
  const agent = reworkAgent(ctx, taskId, ctx.assignments.get(taskId)!.agent);
  const id = attemptId(taskId, task.attempts.length + 1);
  // An agent a defect was escalated to starts afresh: the session it would resume is another agent's.
  const resumeSession = previous?.agent === agent.name ? resumableSession(previous) : undefined;
  const rework = previous === undefined ? undefined : reworkPrompt(spec, { ...reworkFacts(ctx, taskId, previous, task.error), timeoutSec: ctx.config.attemptTimeoutSec, ...(plan.capUsd === undefined ? {} : { capUsd: plan.capUsd }) });
  // Without a session to resume (the last attempt died before it began one), the agent starts
  // fresh and needs its whole brief again.
  const lessons = rework === undefined || resumeSession === undefined ? await briefLessons(ctx, taskId, agent.name) : [];
  const brief = (): string => taskPrompt(spec, prd, { ...briefContext(ctx, taskId, plan.capUsd, agent.provider !== 'openai'), lessons });
  // Messages that waited for this task (it had not started, or its last attempt ended first) ride in its brief.
  const hub = runMessageHub(ctx);
  const inbox = hub.pendingBrief(taskId);
  const withInbox = (text: string): string => [text, inbox.text].filter((p) => p !== '').join('\n\n');
  const whole = (): string => withInbox(rework === undefined ? brief() : `${brief()}\n\n${rework}`);
  const prompt = resumeSession === undefined || rework === undefined ? whole() : withInbox(rework);
  // Should the CLI no longer have the session (a restored backup, another machine), the agent starts afresh with everything.
  const freshPrompt = resumeSession === undefined ? undefined : whole();
  await ctx.log.append({
    type: 'attempt.started',
    taskId,
    attemptId: id,
    agent: agent.name,
    model: plan.model,
    prompt,
    resumeOf: previous === undefined ? undefined : previous.id,
    promptTokens: estimatePromptTokens(prompt),
  });
  await hub.deliveredInBrief(inbox.ids, id);
  const run = ctx.runners[agent.provider];
  const outcome = await run(
    {
      ...spawnShape(ctx, { taskId, attemptId: id, cwd, agent, model: plan.model, capUsd: plan.capUsd }),
      prompt,
      retry: plan.router.retryPolicy(taskId, id, plan.model),
      spendWatch: plan.router.spendWatcher(taskId),
      resumeSessionId: resumeSession,
      ...(freshPrompt === undefined ? {} : { freshPrompt }),
      verify: attemptVerify(ctx, taskId, id),
      ...(ctx.worktrees === undefined ? {} : { betweenWorktreeChanges: ctx.worktrees.betweenChanges.bind(ctx.worktrees) }),
      ...(ctx.warmStarts === undefined ? {} : { warmStarts: ctx.warmStarts }),
      signal: ctx.signal,
    },
    // A write that fails here fails again, visibly, at attempt.finished; a live event must not crash Orch.
    (event) => void ctx.log.append(event).catch(() => undefined),
  );
  await ctx.log.append({ type: 'attempt.finished', attemptId: id, ...outcome });
  return ctx.state().attempts[id]!;
}

export interface SpawnShapeOf {
  readonly taskId: string;
  readonly attemptId: string;
  readonly cwd: string;
  readonly agent: AgentDefinition;
  readonly model: string;
  readonly capUsd: number | undefined;
}

/**
 * The part of an attempt's request that decides how its agent is spawned: the dispatch uses it,
 * and so does a warm start guessing the dispatch ahead (warm-next.ts).
 */
export function spawnShape(ctx: EngineContext, a: SpawnShapeOf): Omit<AttemptRequest, 'prompt'> {
  const { task: spec } = ctx.tasks.get(a.taskId)!;
  const hub = runMessageHub(ctx);
  return {
    attemptId: a.attemptId,
    taskId: a.taskId,
    systemPrompt: a.agent.prompt,
    model: a.model,
    allowedTools: a.agent.tools ?? DEFAULT_TOOLS,
    permissionMode: 'acceptEdits',
    cwd: a.cwd,
    ...(spec.output === undefined ? {} : { outputPath: spec.output }),
    env: { ...ctx.env, ORCH_RUN_ID: ctx.runId, ORCH_ATTEMPT_ID: a.attemptId },
    claudePath: ctx.claudePath,
    artifactsDir: ctx.paths.artifactsDir(ctx.runId),
    maxBudgetUsd: a.capUsd,
    timeoutSec: ctx.config.attemptTimeoutSec,
    inactivityTimeoutSec: ctx.config.inactivityTimeoutSec,
    messaging: { ...hub.portFor({ taskId: a.taskId, agent: a.agent.name, attemptId: a.attemptId }), consult: (name, question) => consultAgent(ctx, { taskId: a.taskId, attemptId: a.attemptId, cwd: a.cwd, model: a.model }, name, question) },
  };
}

function briefContext(ctx: EngineContext, taskId: string, capUsd: number | undefined, orchTools: boolean): BriefContext {
  const { task, prd } = ctx.tasks.get(taskId)!;
  const milestone = ctx.roadmap.phases.flatMap((p) => p.milestones).find((m) => m.id === prd.milestoneId);
  const setupNote = worktreeSetupNote(ctx.state().tasks[taskId]?.setup);
  return {
    prdFile: prd.source.file,
    ...(milestone === undefined ? {} : { milestone }),
    dependencies: dependencyFacts(ctx, prd.id, task.depends),
    ...(ctx.worktrees === undefined
      ? {}
      : { worktree: { branch: ctx.worktrees.taskBranch(taskId), integrationBranch: ctx.worktrees.integrationBranch, ...(setupNote === undefined ? {} : { setupNote }) } }),
    timeoutSec: ctx.config.attemptTimeoutSec,
    ...(capUsd === undefined ? {} : { capUsd }),
    orchTools,
  };
}

/**
 * The Claude session a rework can continue: only one the model has answered in. A session cut
 * off before its first answer was never saved by the CLI, and `--resume` would fail on it.
 */
function resumableSession(attempt: AttemptSnapshot | undefined): string | undefined {
  if (!attempt?.activity.some((a) => a.kind === 'text' || a.kind === 'tool-call')) return undefined;
  return attempt.sessionId ?? initSession(attempt);
}

function initSession(attempt: AttemptSnapshot | undefined): string | undefined {
  const init = attempt?.activity.find((a) => a.kind === 'init');
  return init?.kind === 'init' ? init.sessionId : undefined;
}

