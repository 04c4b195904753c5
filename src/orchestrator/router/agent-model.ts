/** Claude Code's default model for a sub-agent whose `model` is `inherit` when there is no parent session to inherit from. */
const INHERITED_MODEL = 'sonnet';

/** The model an agent runs on by its own definition (a task's pin or the router may still choose another). */
export function agentModel(agent: { readonly model: string }): string {
  return agent.model === 'inherit' ? INHERITED_MODEL : agent.model;
}
