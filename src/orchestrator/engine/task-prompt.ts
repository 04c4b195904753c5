import type { Prd, Task, VerifyCheck } from '../../protocol/domain';
import type { CheckResult } from '../../protocol/events';

// Each agent gets its own brief: its task's title and description verbatim; the other tasks of
// the PRD by id and title only, so one agent's instructions never leak into another's work.

export function taskPrompt(task: Task, prd: Prd): string {
  const others = prd.tasks.filter((t) => t.id !== task.id);
  const lines = [
    `You are working on task ${task.id} of ${prd.id} (${prd.title}).`,
    '',
    `## Task ${task.id}: ${task.title}`,
    '',
    task.description,
    '',
  ];
  if (task.depends.length > 0) {
    lines.push(`This task builds on: ${task.depends.map((d) => `${d} (${prd.tasks.find((t) => t.id === d)?.title ?? d})`).join(', ')}.`, '');
  }
  if (others.length > 0) {
    lines.push('Other tasks in this PRD, done by other agents (do not do them):', ...others.map((t) => `- ${t.id}: ${t.title}`), '');
  }
  if (task.output !== undefined) lines.push(`Write your result to \`${task.output}\`.`, '');
  if (task.verify.length > 0) {
    lines.push('Orch will verify your work itself with these checks:', ...task.verify.map((c) => `- ${describeCheck(c)}`), '');
  }
  lines.push(
    'Work in the current directory (your own git worktree). Make the changes for real: your claims are checked.',
    'If the task needs no change at all, say so plainly and explain why.',
  );
  return lines.join('\n');
}

export function reworkPrompt(task: Task, reason: string, checks: readonly CheckResult[]): string {
  const failed = checks.filter((c) => !c.passed);
  return [
    `Your work on task ${task.id} (${task.title}) was not accepted: ${reason}.`,
    '',
    ...(failed.length > 0 ? ['Failed checks:', ...failed.map((c) => `- ${c.check}: ${c.detail}`), ''] : []),
    'Fix it in this worktree. Orch will run the checks again.',
  ].join('\n');
}

export function describeCheck(check: VerifyCheck): string {
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
      ].join('');
  }
}
