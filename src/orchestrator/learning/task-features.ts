// What a prediction knows about a task before it runs: the same features the learning store
// keeps with each outcome, so a task of a later run finds the outcomes of tasks like it.

import { createHash } from 'node:crypto';
import type { Task } from '../../protocol/domain';
import { qualifiedTaskId } from '../../protocol/ids';
import type { Assignment } from '../engine/assign-agents';
import { agentModel } from '../router/agent-model';
import type { ModelCatalog } from '../router/model-catalog';
import { taskComplexity } from '../router/task-complexity';

export interface TaskFeatures {
  /** Qualified task id, `PRD-3/T2`. */
  readonly taskId: string;
  readonly fingerprint: string;
  readonly title: string;
  readonly phase: string;
  readonly agent: string;
  readonly complexity: number;
}

/**
 * The same task in another run of the same roadmap: its qualified id and title (case and
 * spacing aside). A renamed task is a new task; one merely moved keeps its history.
 */
export function taskFingerprint(taskId: string, title: string): string {
  const text = `${taskId}\n${title.toLowerCase().replace(/\s+/g, ' ').trim()}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Words of a title that say what the task is about, for matching tasks that are alike but not the same. */
export function titleWords(title: string): readonly string[] {
  return [...new Set(title.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3))];
}

/** A planned task's features, scored as the router scores it at dispatch. */
export function plannedTaskFeatures(prdId: string, task: Task, assignment: Assignment | undefined, catalog: ModelCatalog): TaskFeatures {
  const taskId = qualifiedTaskId(prdId, task.id);
  const phase = assignment?.phase ?? task.phase ?? 'implementation';
  const tier = assignment === undefined ? undefined : catalog.get(agentModel(assignment.agent))?.tier;
  return {
    taskId,
    fingerprint: taskFingerprint(taskId, task.title),
    title: task.title,
    phase,
    agent: assignment?.agent.name ?? task.agent ?? 'unknown',
    complexity: taskComplexity(task, phase, tier).score,
  };
}
