// consult: an agent asks another agent a question. Orch runs a short read-only attempt of the
// consulted agent in the asker's worktree, with the question as its whole prompt, and its last
// text is the tool's answer. The attempt is no task's attempt (its live events stay out of the
// log); consult.started/finished record it, and the fold charges its cost to the asking task.

import type { NewEvent } from '../../protocol/events';
import type { AgentDefinition } from '../agents/agent-types';
import type { EngineContext } from '../engine/engine-context';
import type { ToolAnswer } from '../runner/mcp/message-tools';

/** Reading only: a consulted agent answers, it does not change the asker's worktree. */
const CONSULT_TOOLS: readonly string[] = ['Read', 'Grep', 'Glob'];
const CONSULT_BUDGET_USD = 0.5;
const CONSULT_TIMEOUT_SEC = 300;
const ANSWER_CHARS = 20_000;

export interface Asker {
  readonly taskId: string;
  readonly attemptId: string;
  readonly cwd: string;
  /** The asker's own model: a consulted agent that inherits its model gets this one. */
  readonly model: string;
}

type ConsultContext = Pick<EngineContext, 'log' | 'runners' | 'registry' | 'assignments' | 'env' | 'runId' | 'claudePath' | 'paths' | 'signal' | 'config'>;

let consults = 0;

function knownAgents(ctx: ConsultContext): Map<string, AgentDefinition> {
  if (ctx.registry !== undefined) return new Map(ctx.registry.agents);
  return new Map([...ctx.assignments.values()].map((a) => [a.agent.name, a.agent]));
}

export async function consultAgent(ctx: ConsultContext, asker: Asker, agentName: string, question: string): Promise<ToolAnswer> {
  const agents = knownAgents(ctx);
  const agent = agents.get(agentName);
  if (agent === undefined) {
    return { text: `unknown agent ${JSON.stringify(agentName)}; the agents you can consult are: ${[...agents.keys()].sort().join(', ')}`, isError: true };
  }
  consults += 1;
  const consultId = `${asker.attemptId}~consult-${consults}`;
  const model = agent.model === 'inherit' ? asker.model : agent.model;
  await ctx.log.append({ type: 'consult.started', consultId, taskId: asker.taskId, attemptId: asker.attemptId, agent: agent.name, model, question });
  let answer: string | undefined;
  const keepAnswer = (event: NewEvent): void => {
    if (event.type === 'attempt.activity' && event.activity.kind === 'text' && event.activity.text.trim() !== '') answer = event.activity.text;
  };
  const outcome = await ctx.runners[agent.provider](
    {
      attemptId: consultId,
      taskId: asker.taskId,
      systemPrompt: agent.prompt,
      prompt: question,
      model,
      allowedTools: CONSULT_TOOLS,
      permissionMode: 'acceptEdits',
      cwd: asker.cwd,
      env: { ...ctx.env, ORCH_RUN_ID: ctx.runId, ORCH_ATTEMPT_ID: consultId },
      claudePath: ctx.claudePath,
      artifactsDir: ctx.paths.artifactsDir(ctx.runId),
      maxBudgetUsd: CONSULT_BUDGET_USD,
      timeoutSec: Math.min(CONSULT_TIMEOUT_SEC, ctx.config.attemptTimeoutSec),
      inactivityTimeoutSec: ctx.config.inactivityTimeoutSec,
      orchTools: false,
      maxEventChars: ANSWER_CHARS,
      signal: ctx.signal,
    },
    keepAnswer,
  );
  const failed = outcome.outcome === 'failed' || answer === undefined;
  const error = outcome.outcome === 'failed' ? `${outcome.failure ?? 'failed'}: ${outcome.message ?? 'the consult ended without an answer'}` : 'the consulted agent gave no answer';
  await ctx.log.append({
    type: 'consult.finished',
    consultId,
    taskId: asker.taskId,
    agent: agent.name,
    outcome: failed ? 'failed' : 'succeeded',
    ...(failed ? { error } : { answer }),
    costUsd: outcome.costUsd,
    durationMs: outcome.durationMs,
  });
  if (failed) return { text: `the consult of ${agent.name} failed (${error})`, isError: true };
  return { text: `${agent.name} answers:\n${answer}` };
}
