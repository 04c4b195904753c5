// The reviewer's brief: the task's own brief verbatim, the diff, the evidence the checks left and
// what the author said. The reviewer judges the work against the brief, not against the claims.

import type { Prd, Task } from '../../protocol/domain';
import type { CheckResult } from '../../protocol/events';

const MAX_DIFF_CHARS = 40_000;
const MAX_SUMMARY_CHARS = 2_000;

export interface ReviewFacts {
  readonly author: string;
  /** `git diff` of the work against where the task forked, or a list of changed files outside git. */
  readonly diff: string;
  readonly checks: readonly CheckResult[];
  readonly authorSummary?: string;
  readonly baseBranch?: string;
}

export function reviewPrompt(task: Task, prd: Prd, facts: ReviewFacts): string {
  const diff = facts.diff.length > MAX_DIFF_CHARS ? `${facts.diff.slice(0, MAX_DIFF_CHARS)}\n… [${facts.diff.length - MAX_DIFF_CHARS} more characters: read the files themselves]` : facts.diff;
  const lines = [
    `Review the work on task ${task.id} of ${prd.id} (${prd.title}). The agent ${facts.author} did it; you did not, and you do not change it.`,
    '',
    `## The brief it was given: ${task.title}`,
    '',
    task.description,
    '',
    '## The change',
    '',
    facts.baseBranch === undefined ? 'The files it changed (read them in the current directory):' : `\`git diff ${facts.baseBranch}...HEAD\` in the current directory, its worktree:`,
    '',
    '```diff',
    diff.trim() === '' ? '(no change)' : diff,
    '```',
    '',
    '## Evidence',
    '',
    facts.checks.length === 0 ? 'The task has no checks of its own.' : 'Orch ran these checks itself, and they passed:',
    ...facts.checks.map((c) => `- ${c.check}: ${c.detail.split('\n')[0] ?? ''}${c.evidencePath === undefined ? '' : ` (output: ${c.evidencePath})`}`),
    '',
  ];
  if (facts.authorSummary !== undefined && facts.authorSummary.trim() !== '') {
    const summary = facts.authorSummary.trim();
    lines.push("The author's last words (a claim, not evidence):", (summary.length > MAX_SUMMARY_CHARS ? `${summary.slice(0, MAX_SUMMARY_CHARS)}…` : summary).replace(/^/gm, '> '), '');
  }
  lines.push(
    '## Your verdict',
    '',
    'Passing checks are not enough: the change must do everything the brief asks, and nothing it forbids. Read the changed files where the diff is not enough.',
    'Call the tool mcp__orch__submit_review once with {verdict, findings, summary}:',
    '- verdict "approve" when the work does all the brief asks; findings may be empty;',
    '- verdict "request-changes" when anything the brief asks is missing or wrong: one finding per point, each saying what the brief asked and what the change does instead, with `file` and `line` where one applies.',
    '`summary` is your reasoning in two or three sentences. Once Orch answers "accepted", end your turn.',
  );
  return lines.join('\n');
}
