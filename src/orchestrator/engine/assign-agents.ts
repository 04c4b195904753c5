import type { Roadmap, Task } from '../../protocol/domain';
import type { AgentDefinition, RegistrySnapshot } from '../agents/agent-types';
import { defaultConfig, type OrchConfig } from '../config/orch-config';
import { InputError, InputErrors } from '../errors';
import { qualifiedTaskId } from '../../protocol/ids';
import { ModelCatalog } from '../router/model-catalog';
import { checkModels } from '../router/check-models';
import { agentModel } from '../router/agent-model';

export interface Assignment {
  readonly taskId: string;
  readonly agent: AgentDefinition;
  readonly phase: string;
  readonly model: string;
  readonly reason: string;
  /** The PRD pinned the model: the router never changes it. */
  readonly pinned: boolean;
}

const DEFAULT_PHASE = 'implementation';

/**
 * Who does each task, in which phase, on which model. A task's own `agent`, `phase` and `model`
 * win; otherwise the phase comes from the agent and the agent from the phase. Every problem
 * is reported at once, with the PRD file and line, before anything runs.
 */
export function assignAgents(roadmap: Roadmap, milestones: readonly string[], registry: RegistrySnapshot, config: OrchConfig = defaultConfig): Map<string, Assignment> {
  const assignments = new Map<string, Assignment>();
  const errors: InputError[] = [];
  const catalog = ModelCatalog.build(config.models);
  for (const phase of roadmap.phases) {
    for (const milestone of phase.milestones) {
      if (milestones.length > 0 && !milestones.includes(milestone.id)) continue;
      for (const prd of milestone.prds) {
        for (const task of prd.tasks) {
          const result = assignOne(task, registry, config.router.enabled);
          if (result instanceof InputError) errors.push(result);
          else errors.push(...checkModels(task, result.agent, result.model, catalog));
          if (!(result instanceof InputError)) assignments.set(qualifiedTaskId(prd.id, task.id), { ...result, taskId: qualifiedTaskId(prd.id, task.id) });
        }
      }
    }
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return assignments;
}

/**
 * The agent for a task that names none: a Claude agent (OpenAI-routed agents need an `output`
 * path, so they are only used when named) whose main phase this is, else any that works in it.
 */
function agentForPhase(registry: RegistrySnapshot, phase: string): AgentDefinition | undefined {
  const candidates = [...registry.agents.values()].filter((a) => a.phases.includes(phase) && a.provider === 'claude');
  return candidates.find((a) => a.phases[0] === phase) ?? candidates[0];
}

function assignOne(task: Task, registry: RegistrySnapshot, routed: boolean): Omit<Assignment, 'taskId'> | InputError {
  const where = { file: task.source.file, line: task.fieldLines?.agent ?? task.source.line };
  let agent: AgentDefinition | undefined;
  let phase = task.phase;
  let reason: string;
  if (task.agent !== undefined) {
    agent = registry.agents.get(task.agent);
    if (agent === undefined) {
      return new InputError(`task ${task.id} names agent "${task.agent}", which is not in the registry`, where, `run 'orch agents' to list the agents`);
    }
    phase ??= agent.phases[0] ?? DEFAULT_PHASE;
    reason = `agent ${agent.name} named by the PRD`;
  } else {
    phase ??= DEFAULT_PHASE;
    const wanted = phase;
    agent = agentForPhase(registry, wanted);
    if (agent === undefined) return new InputError(`task ${task.id}: no agent works in phase "${phase}"`, where, 'name an agent in the task');
    reason = `${agent.name} leads phase ${phase}`;
  }
  if (!registry.phases.includes(phase)) {
    return new InputError(`task ${task.id} is in phase "${phase}", which is not a workflow phase`, where, `one of: ${registry.phases.join(', ')}`);
  }
  const model = task.model ?? agentModel(agent);
  return { agent, phase, model, pinned: task.model !== undefined, reason: task.model !== undefined ? `${reason}; model pinned by the PRD` : routed ? `${reason}; the router picks the model at dispatch` : `${reason}; the agent's model` };
}
