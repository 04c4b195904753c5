// Leader cross-verification: after a task's mechanical checks pass, a reviewer agent (never its
// author) reads the diff, the brief and the evidence and answers through submit_review. A request
// for changes is a defect and a rework of the author's session; an approval lets the merge go on.

import type { CheckResult } from '../../protocol/events';
import type { ReviewFinding } from '../../protocol/events-defects';
import { attemptId } from '../../protocol/ids';
import type { AttemptSnapshot } from '../../protocol/run-snapshot';
import { raiseDefect } from '../defects/raise-defect';
import { blockOnEnvironment } from '../engine/environment-block';
import type { EngineContext } from '../engine/engine-context';
import { git } from '../engine/git';
import { estimatePromptTokens } from '../engine/task-prompt';
import { agentModel } from '../router/agent-model';
import { parseReview, type SubmittedReview } from '../runner/mcp/submit-review-tool';
import type { SubmissionHandler } from '../runner/mcp/submission-endpoint';
import { pickReviewer, reviewWanted } from './review-policy';
import { reviewPrompt } from './review-prompt';

/** `passed`: approved, or no review asked for; else the verdict verify-attempt returns. */
export type ReviewOutcome = 'passed' | 'checks-failed' | 'environment';

const REVIEW_TOOL = 'mcp__orch__submit_review';
const MAX_TRIES = 2;

export async function reviewAttempt(ctx: EngineContext, taskId: string, cwd: string, attempt: AttemptSnapshot, checks: readonly CheckResult[]): Promise<ReviewOutcome> {
  const { task, prd } = ctx.tasks.get(taskId)!;
  const assignment = ctx.assignments.get(taskId)!;
  if (ctx.registry === undefined || !reviewWanted(task, assignment.phase, ctx.roadmap, prd.milestoneId, ctx.config.review)) return 'passed';
  // A resume after the verdict was logged does not pay for the same review twice.
  const earlier = ctx.state().tasks[taskId]?.reviews?.find((r) => r.attemptId === attempt.id);
  if (earlier?.verdict === 'approve') return 'passed';
  if (earlier !== undefined) return requestChanges(ctx, taskId, attempt, earlier.reviewer, earlier.reasoning, earlier.findings, checks);
  const choice = pickReviewer(attempt.agent, ctx.registry.agents, ctx.config.review);
  if ('problem' in choice) {
    await blockOnEnvironment(ctx, taskId, `the review cannot run: ${choice.problem}`, checks);
    return 'environment';
  }
  const reviewer = choice.agent;
  const model = ctx.config.review.model ?? agentModel(reviewer);
  const reviewTask = `review/${taskId}`;
  const base = ctx.worktrees?.integrationBranch;
  const diff = base === undefined ? (ctx.state().tasks[taskId]?.changes?.files ?? []).join('\n') : (await git(cwd, ['diff', `${base}...HEAD`])).stdout;
  let prompt = reviewPrompt(task, prd, { author: attempt.agent, diff, checks, authorSummary: lastText(attempt), ...(base === undefined ? {} : { baseBranch: base }) });
  let sessionId: string | undefined;
  for (let tryNumber = 1; tryNumber <= MAX_TRIES; tryNumber++) {
    const id = attemptId(reviewTask, Object.keys(ctx.state().attempts).filter((a) => a.startsWith(`${reviewTask}#`)).length + 1);
    let submitted: SubmittedReview | undefined;
    let reply = '';
    const submitReview: SubmissionHandler = (args) => {
      const parsed = parseReview(args);
      if ('errors' in parsed) return { accepted: false, text: `Orch could not take this review. Fix these and call ${REVIEW_TOOL} again:\n${parsed.errors.map((e) => `- ${e}`).join('\n')}` };
      submitted = parsed;
      return { accepted: true, text: `Accepted: ${parsed.verdict} with ${parsed.findings.length} finding(s). End your turn.` };
    };
    await ctx.log.append({ type: 'attempt.started', taskId: reviewTask, attemptId: id, agent: reviewer.name, model, prompt, promptTokens: estimatePromptTokens(prompt) });
    const outcome = await ctx.runners.claude(
      {
        attemptId: id,
        taskId: reviewTask,
        systemPrompt: reviewer.prompt,
        prompt,
        model,
        allowedTools: reviewer.tools ?? ['Read', 'Glob', 'Grep'],
        permissionMode: 'default',
        cwd,
        env: { ...ctx.env, ORCH_RUN_ID: ctx.runId, ORCH_ATTEMPT_ID: id },
        claudePath: ctx.claudePath,
        artifactsDir: ctx.paths.artifactsDir(ctx.runId),
        timeoutSec: ctx.config.attemptTimeoutSec,
        inactivityTimeoutSec: ctx.config.inactivityTimeoutSec,
        resumeSessionId: sessionId,
        signal: ctx.signal,
        submissions: { submit_review: submitReview },
      },
      (event) => {
        if (event.type === 'attempt.activity' && event.activity.kind === 'text') reply = event.activity.text;
        void ctx.log.append(event).catch(() => undefined);
      },
    );
    await ctx.log.append({ type: 'attempt.finished', attemptId: id, ...outcome });
    const review: SubmittedReview | undefined = submitted;
    if (review !== undefined) return settle(ctx, taskId, attempt, id, reviewer.name, model, review, reply, checks);
    if (ctx.signal.aborted) return 'environment';
    sessionId = outcome.sessionId ?? sessionId;
    if (outcome.outcome === 'failed' && sessionId === undefined) break;
    prompt = `Orch has no verdict from you yet. Call the tool ${REVIEW_TOOL} with {verdict, findings, summary} now.`;
  }
  // The reviewer's failure says nothing about the author's work: no rework is paid for, and a
  // resume reviews this same attempt again.
  await blockOnEnvironment(ctx, taskId, `the reviewer ${reviewer.name} gave no verdict through ${REVIEW_TOOL} in ${MAX_TRIES} tries`, checks);
  return 'environment';
}

async function settle(ctx: EngineContext, taskId: string, attempt: AttemptSnapshot, reviewAttemptId: string, reviewer: string, model: string, review: SubmittedReview, reply: string, checks: readonly CheckResult[]): Promise<ReviewOutcome> {
  const reasoning = review.summary ?? (reply.trim() === '' ? `${review.verdict} with ${review.findings.length} finding(s)` : reply.trim());
  await ctx.log.append({ type: 'review.finished', taskId, attemptId: attempt.id, reviewAttemptId, reviewer, model, verdict: review.verdict, findings: review.findings, reasoning });
  if (review.verdict === 'approve') return 'passed';
  return requestChanges(ctx, taskId, attempt, reviewer, reasoning, review.findings, checks);
}

async function requestChanges(ctx: EngineContext, taskId: string, attempt: AttemptSnapshot, reviewer: string, reasoning: string, findings: readonly ReviewFinding[], checks: readonly CheckResult[]): Promise<ReviewOutcome> {
  const detail = [reasoning, ...findings.map((f) => `- ${f.file === undefined ? '' : `${f.file}${f.line === undefined ? '' : `:${f.line}`}: `}${f.text}`)].join('\n');
  const verdict: CheckResult = { check: `review by ${reviewer}`, passed: false, detail };
  await raiseDefect(ctx, { taskId, attemptId: attempt.id, source: 'review', reason: `the reviewer ${reviewer} requested changes`, checks: [...checks, verdict], findings });
  return 'checks-failed';
}

function lastText(attempt: AttemptSnapshot): string | undefined {
  const text = attempt.activity.filter((a) => a.kind === 'text').at(-1);
  return text?.kind === 'text' ? text.text : undefined;
}
