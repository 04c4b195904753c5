// Before anything runs: every model a task could start on must be in the catalog and belong to
// its agent's provider, and an OpenAI-routed task must say where its answer goes.

import { readFileSync } from 'node:fs';
import type { Task } from '../../protocol/domain';
import type { AgentDefinition } from '../agents/agent-types';
import { InputError } from '../errors';
import type { ModelCatalog } from './model-catalog';

function known(catalog: ModelCatalog): string {
  return `known models: ${catalog.names().join(', ')}; add others under "models" in .orch/config.json`;
}

/** The line of the agent file's `model:` key, so the error points at it. */
function modelLine(file: string): number | undefined {
  try {
    const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => /^model\s*:/.test(l));
    return index < 0 ? undefined : index + 1;
  } catch {
    return undefined;
  }
}

export function checkModels(task: Task, agent: AgentDefinition, model: string, catalog: ModelCatalog): InputError[] {
  const errors: InputError[] = [];
  if (task.model !== undefined) {
    const pinned = catalog.get(task.model);
    const at = { file: task.source.file, line: task.fieldLines?.model ?? task.source.line };
    if (pinned === undefined) errors.push(new InputError(`task ${task.id} pins model "${task.model}", which is not in the model catalog`, at, known(catalog)));
    else if (pinned.provider !== agent.provider) {
      errors.push(new InputError(`task ${task.id} pins ${pinned.provider} model "${task.model}" but its agent ${agent.name} runs on ${agent.provider}`, at, `pin a ${agent.provider} model or name another agent`));
    }
  } else {
    const info = catalog.get(model);
    const where = { file: agent.source, line: modelLine(agent.source) };
    if (info === undefined) errors.push(new InputError(`agent ${agent.name} (for task ${task.id}) uses model "${model}", which is not in the model catalog`, where, known(catalog)));
    else if (info.provider !== agent.provider) errors.push(new InputError(`agent ${agent.name} runs on ${agent.provider} but its model "${model}" is a ${info.provider} model`, where));
  }
  if (agent.provider === 'openai' && task.output === undefined) {
    errors.push(new InputError(`task ${task.id} goes to OpenAI-routed agent ${agent.name} but has no "output" path for its answer`, task.source, 'add output: path/to/file.md to the task'));
  }
  return errors;
}
