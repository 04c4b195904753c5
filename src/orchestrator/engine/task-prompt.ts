import { describeStep } from '../../protocol/browser-check';
import type { Milestone, Prd, Task, VerifyCheck } from '../../protocol/domain';
import type { CheckResult } from '../../protocol/events';
import { formatMoney } from '../../protocol/format-money';

// Each agent gets its own brief: its task's title and description verbatim; the other tasks of
// the PRD by id and title only, so one agent's instructions never leak into another's work.
// Around that, what a model cannot find out for itself: the PRD's goals, what the tasks it builds
// on produced, what its worktree holds, its limits, and how to talk back to Orch.

/** What a task this one depends on left behind: its merged files and its agent's last words. */
export interface DependencyFacts {
  readonly id: string;
  readonly title: string;
  readonly files: readonly string[];
  readonly summary?: string;
}

export interface WorktreeFacts {
  readonly branch: string;
  readonly integrationBranch: string;
  /** What Orch did to the fresh worktree before the agent started (setup, copied files), if anything. */
  readonly setupNote?: string;
}

export interface BriefContext {
  readonly prdFile?: string;
  readonly milestone?: Milestone;
  readonly dependencies?: readonly DependencyFacts[];
  /** Undefined when the task runs in the workspace itself (no git repository). */
  readonly worktree?: WorktreeFacts;
  readonly timeoutSec?: number;
  readonly capUsd?: number;
  /** The agent has Orch's MCP tools (a claude agent; text-only providers do not). */
  readonly orchTools?: boolean;
  /** Lessons of earlier defects that apply to this agent or task, already under their token cap. */
  readonly lessons?: readonly string[];
}

/** Beyond this the PRD body is cut in the brief; the agent can read the rest in the file. */
export const MAX_PRD_BODY_CHARS = 12_000;
const MAX_SUMMARY_CHARS = 1_500;
const MAX_LISTED_FILES = 40;

export function taskPrompt(task: Task, prd: Prd, context: BriefContext = {}): string {
  const others = prd.tasks.filter((t) => t.id !== task.id);
  const lines = [`You are working on task ${task.id} of ${prd.id} (${prd.title}).`, '', `## Task ${task.id}: ${task.title}`, '', task.description, ''];
  lines.push(...prdSection(prd, context), ...milestoneSection(context.milestone));
  if (task.depends.length > 0) {
    lines.push(`This task builds on: ${task.depends.map((d) => `${d} (${prd.tasks.find((t) => t.id === d)?.title ?? d})`).join(', ')}.`, '');
    lines.push(...dependencySection(context.dependencies ?? []));
  }
  if (others.length > 0) {
    lines.push('Other tasks in this PRD, done by other agents (do not do them):', ...others.map((t) => `- ${t.id}: ${t.title}`), '');
  }
  if (task.output !== undefined) lines.push(`Write your result to \`${task.output}\`.`, '');
  if (task.verify.length > 0) {
    lines.push('Orch will verify your work itself with these checks:', ...task.verify.map((c) => `- ${describeCheck(c)}`), '');
  }
  lines.push(...worktreeSection(context.worktree), ...limitsSection(context));
  lines.push(...(context.lessons ?? []), 'Make the changes for real: your claims are checked.');
  if (context.orchTools === true) {
    lines.push(
      '',
      "## Reporting to Orch (MCP tools of the server 'orch')",
      '- mcp__orch__report_progress({percent, note}): at milestones of your work.',
      '- mcp__orch__attach_evidence({kind, path_or_text}): test output, a screenshot path, a note that proves the work.',
      `- mcp__orch__report_no_change({reason}): if the task needs no change at all, call it with the reason${task.verify.length === 0 ? '; a task without checks that changes no file is not accepted otherwise' : ''}.`,
      '- mcp__orch__send_message({to, text}), mcp__orch__broadcast({text, scope}), mcp__orch__read_inbox({}): talk to the other agents of the run (`to`: a task id or an agent name); messages to you arrive by themselves after your tool calls. mcp__orch__ask_person({question}): only when you cannot go on without the person.',
    );
  } else {
    lines.push('If the task needs no change at all, say so plainly and explain why.');
  }
  return lines.join('\n');
}

function prdSection(prd: Prd, context: BriefContext): string[] {
  const body = prd.body.trim();
  const where = context.prdFile === undefined ? '' : ` (the file ${context.prdFile})`;
  if (body === '' || /^#[^\n]*$/.test(body)) return context.prdFile === undefined ? [] : [`The PRD is ${context.prdFile}.`, ''];
  const cut = body.length > MAX_PRD_BODY_CHARS;
  return [
    `## The PRD${where}`,
    '',
    cut ? `${body.slice(0, MAX_PRD_BODY_CHARS)}\n… [${body.length - MAX_PRD_BODY_CHARS} more characters in the PRD file]` : body,
    '',
  ];
}

function milestoneSection(milestone: Milestone | undefined): string[] {
  if (milestone === undefined) return [];
  const goals = [
    ...(milestone.focus === undefined ? [] : [`Focus: ${milestone.focus}`]),
    ...(milestone.features.length === 0 ? [] : ['Features:', ...milestone.features.map((f) => `- ${f}`)]),
    ...(milestone.successMetrics.length === 0 ? [] : ['Success metrics:', ...milestone.successMetrics.map((m) => `- ${m}`)]),
  ];
  return goals.length === 0 ? [] : [`## Milestone ${milestone.id}: ${milestone.title}`, '', ...goals, ''];
}

function dependencySection(dependencies: readonly DependencyFacts[]): string[] {
  const lines: string[] = [];
  for (const d of dependencies) {
    const files = d.files.length === 0 ? 'no files' : [...d.files.slice(0, MAX_LISTED_FILES), ...(d.files.length > MAX_LISTED_FILES ? [`and ${d.files.length - MAX_LISTED_FILES} more`] : [])].join(', ');
    lines.push(`What ${d.id} (${d.title}) merged: ${files}.`);
    if (d.summary !== undefined && d.summary.trim() !== '') lines.push(`Its agent's final summary:`, capText(d.summary.trim(), MAX_SUMMARY_CHARS).replace(/^/gm, '> '));
    lines.push('');
  }
  return lines;
}

function worktreeSection(worktree: WorktreeFacts | undefined): string[] {
  if (worktree === undefined) return ['Work in the current directory.'];
  return [
    `Work in the current directory: your own git worktree on branch \`${worktree.branch}\`, checked out fresh from \`${worktree.integrationBranch}\`, which holds the verified work of the tasks merged so far.`,
    worktree.setupNote === undefined ? 'Orch ran no setup command in it: install what you need yourself.' : `${worktree.setupNote} Do not install again unless you change the dependencies.`,
    'Orch commits what you leave in the worktree and merges it once the checks pass.',
  ];
}

function limitsSection(context: { readonly timeoutSec?: number; readonly capUsd?: number }): string[] {
  const limits = [
    ...(context.timeoutSec === undefined ? [] : [`${formatDuration(context.timeoutSec)} of wall-clock time`]),
    ...(context.capUsd === undefined ? [] : [`${formatMoney(context.capUsd)} of model cost`]),
  ];
  if (limits.length === 0) return [];
  return [`This attempt is stopped after ${limits.join(' or ')}${limits.length > 1 ? ', whichever comes first' : ''}: finish within that.`];
}

function formatDuration(sec: number): string {
  return sec >= 120 ? `${Math.round(sec / 60)} minutes` : `${sec} seconds`;
}

function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** What the rework brief needs to know about the attempt before it. */
export interface ReworkFacts {
  readonly reason: string;
  /** The checks the latest verification failed: only the round the previous attempt was judged in. */
  readonly failed: readonly CheckResult[];
  /** Where the whole evidence of the checks is kept. */
  readonly evidenceDir?: string;
  /** Verification brought the integration branch into the worktree and git stopped on these. */
  readonly mergeConflicts?: readonly string[];
  /** This attempt's own limits: a resumed session saw only the first attempt's. */
  readonly timeoutSec?: number;
  readonly capUsd?: number;
}

export function reworkPrompt(task: Task, facts: ReworkFacts): string {
  const lines = [`Your work on task ${task.id} (${task.title}) was not accepted: ${facts.reason}.`, ''];
  if (facts.failed.length > 0) {
    lines.push('Checks that failed now:', ...facts.failed.map((c) => `- ${c.check}: ${c.detail}${c.evidencePath === undefined ? '' : ` (evidence: ${c.evidencePath})`}`), '');
  }
  if (facts.evidenceDir !== undefined && facts.failed.length > 0) lines.push(`The full output of every check is in ${facts.evidenceDir}.`, '');
  if (facts.mergeConflicts !== undefined) {
    lines.push(
      `Orch merged the integration branch into your branch to bring in the work verified meanwhile, and the merge stopped on conflicts${facts.mergeConflicts.length === 0 ? '' : ` in: ${facts.mergeConflicts.join(', ')}`}.`,
      'Finish that merge, do not abort it: resolve every conflict marker keeping the intent of both sides, `git add` the resolved files, then `git commit` to conclude the merge.',
      '',
    );
  }
  lines.push('Fix it in this worktree. Orch will run the checks again.', ...limitsSection(facts));
  return lines.join('\n');
}

/** A brief's size in tokens, estimated as characters / 4 (the usual rule of thumb for English and code). */
export function estimatePromptTokens(prompt: string): number {
  return Math.ceil(prompt.length / 4);
}

function browserCheckExtras(check: Extract<VerifyCheck, { kind: 'browser' }>): string {
  const engines = check.browsers === undefined ? '' : `, in ${check.browsers.join(', ')}`;
  const viewport = check.viewport === undefined ? '' : `, at ${check.viewport.width}x${check.viewport.height}`;
  const steps = check.steps === undefined ? '' : `, then these steps pass in order: ${check.steps.map(describeStep).join('; ')}`;
  return engines + viewport + steps;
}

function describeCheck(check: VerifyCheck): string {
  switch (check.kind) {
    case 'file':
      return `the file \`${check.path}\` exists and is not empty`;
    case 'command':
      return `\`${check.command}\` exits 0`;
    case 'browser':
      return [
        `${check.url} loads in a browser${check.expect === undefined ? '' : ` and shows "${check.expect}"`}`,
        // The agent must not leave its own server running on the port: Orch refuses a taken port.
        check.serve === undefined ? '' : ` (Orch starts \`${check.serve}\` first and stops it afterwards; do not leave a server running)`,
        browserCheckExtras(check),
      ].join('');
  }
}
