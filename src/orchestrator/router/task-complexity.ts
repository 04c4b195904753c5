// How hard a task looks before anyone tries it, from what the plan says. Each part is kept
// with its weight so the router can say why it chose a model.

import type { Task } from '../../protocol/domain';
import type { Tier } from './model-catalog';

export interface ComplexityPart {
  readonly label: string;
  readonly value: number;
}

export interface Complexity {
  /** 0 (trivial) to 1 (as hard as Orch can tell). */
  readonly score: number;
  readonly parts: readonly ComplexityPart[];
}

// Design and review phases decide more with less code: a weak answer there costs the most downstream.
const PHASE_WEIGHT: Readonly<Record<string, number>> = {
  requirements: 0.1,
  architecture: 0.25,
  'security-review': 0.25,
  implementation: 0.1,
  infrastructure: 0.1,
  qa: 0.05,
  'leadership-review': 0.2,
  'final-verification': 0.1,
};

// The agent file's own model says how demanding its author thinks the role is.
const ROLE_WEIGHT: Readonly<Record<Tier, number>> = { strong: 0.15, balanced: 0, fast: -0.1 };

const FILE_PATTERN = /(?:^|[\s`'"(])((?:[\w.-]+\/)*[\w-]+\.[A-Za-z]{1,5})(?=$|[\s`'"),:;]|\.(?:\s|$))/g;

export function filesNamed(text: string): number {
  const found = new Set<string>();
  for (const m of text.matchAll(FILE_PATTERN)) if (m[1] !== undefined && !/^\d+(\.\d+)+$/.test(m[1])) found.add(m[1]);
  return found.size;
}

export function taskComplexity(task: Task, phase: string, roleTier: Tier | undefined): Complexity {
  const words = task.description.split(/\s+/).filter((w) => w.length > 0).length;
  const commands = task.verify.filter((v) => v.kind === 'command').length;
  const browsers = task.verify.filter((v) => v.kind === 'browser').length;
  const files = filesNamed(task.description) + (task.output === undefined ? 0 : 1);
  const parts: ComplexityPart[] = [
    { label: `phase ${phase}`, value: PHASE_WEIGHT[phase] ?? 0.15 },
    { label: `${words} words of description`, value: Math.min(0.25, words / 800) },
    // A file check or a one-line command says the work is checkable, not that it is hard.
    { label: `${task.verify.length} checks (${commands} commands, ${browsers} browser)`, value: Math.min(0.15, 0.01 * task.verify.length + 0.015 * commands + 0.04 * browsers) },
    { label: `${task.depends.length} dependencies`, value: Math.min(0.12, 0.04 * task.depends.length) },
    { label: `${files} files named`, value: Math.min(0.12, 0.02 * files) },
  ];
  if (roleTier !== undefined && ROLE_WEIGHT[roleTier] !== 0) parts.push({ label: `role's own model is ${roleTier}`, value: ROLE_WEIGHT[roleTier] });
  const score = Math.max(0, Math.min(1, parts.reduce((sum, p) => sum + p.value, 0)));
  return { score: Math.round(score * 1000) / 1000, parts: parts.filter((p) => p.value !== 0) };
}
