import type { CostLine, QualityLine } from '../../../src/protocol/cost-breakdown';
import type { AttemptSnapshot, RunSnapshot, TaskSnapshot } from '../../../src/protocol/run-snapshot';

// Tables the Costs, Agents and Task views show, as plain rows derived from a snapshot and the
// core's cost breakdown. Pure, so the views stay thin and the rows are testable.

export interface CostRow extends CostLine {
  readonly name: string;
}

/** One breakdown's groups, largest spend first, ties by name so rows do not jump around. */
export function costRows(lines: Readonly<Record<string, CostLine>>): readonly CostRow[] {
  return Object.entries(lines)
    .map(([name, line]) => ({ name, ...line }))
    .sort((a, b) => b.totalUsd - a.totalUsd || a.name.localeCompare(b.name));
}

export interface QualityRow extends QualityLine {
  readonly name: string;
}

export function qualityRows(lines: Readonly<Record<string, QualityLine>>): readonly QualityRow[] {
  return Object.entries(lines)
    .map(([name, line]) => ({ name, ...line }))
    .sort((a, b) => b.tasks - a.tasks || a.name.localeCompare(b.name));
}

export function rate(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}

export interface AgentNow {
  readonly agent: string;
  readonly running: readonly { readonly attempt: AttemptSnapshot; readonly task: TaskSnapshot | undefined; readonly model: string }[];
  readonly finished: number;
  readonly costUsd: number;
}

/** Who is doing what right now: every agent seen in the run, busiest first. */
export function agentsNow(run: RunSnapshot): readonly AgentNow[] {
  const byAgent = new Map<string, { running: AgentNow['running'][number][]; finished: number; costUsd: number }>();
  for (const attempt of Object.values(run.attempts)) {
    const entry = byAgent.get(attempt.agent) ?? { running: [], finished: 0, costUsd: 0 };
    byAgent.set(attempt.agent, entry);
    entry.costUsd += attempt.costUsd;
    if (attempt.state === 'running') entry.running.push({ attempt, task: run.tasks[attempt.taskId], model: attempt.fellBackTo ?? attempt.model });
    else entry.finished += 1;
  }
  return [...byAgent]
    .map(([agent, e]) => ({ agent, ...e }))
    .sort((a, b) => b.running.length - a.running.length || a.agent.localeCompare(b.agent));
}

export interface ModelSpend {
  readonly model: string;
  readonly costUsd: number;
}

/**
 * How an attempt's cost splits across the models it ran on. Without a fallback the whole
 * cost belongs to the one model it ran on.
 */
export function spendByModel(attempt: AttemptSnapshot): readonly ModelSpend[] {
  const split = attempt.costByModel ?? { [attempt.modelUsed ?? attempt.model]: attempt.costUsd };
  return Object.entries(split).map(([model, costUsd]) => ({ model, costUsd }));
}

const SOURCE_TEXT: Readonly<Record<'pin' | 'router' | 'agent', string>> = {
  pin: 'pinned by the PRD (never overridden)',
  router: "the router's choice",
  agent: "the agent file's model",
};

export function routingSourceText(source: 'pin' | 'router' | 'agent'): string {
  return SOURCE_TEXT[source];
}
