import type { AgentDefinition, RegistryChange, RegistrySnapshot } from './agent-types';

/** What changed between two snapshots, or undefined when nothing a listener could see did. */
export function diffSnapshots(before: RegistrySnapshot | undefined, after: RegistrySnapshot): RegistryChange | undefined {
  const previous: ReadonlyMap<string, AgentDefinition> = before?.agents ?? new Map();
  const added: string[] = [];
  const changed: string[] = [];
  for (const [name, agent] of after.agents) {
    const old = previous.get(name);
    if (old === undefined) added.push(name);
    // Unchanged definitions keep their object across builds, so identity is the comparison.
    else if (old !== agent) changed.push(name);
  }
  const removed = [...previous.keys()].filter((name) => !after.agents.has(name));
  const teamsChanged = before === undefined || json([...before.teams]) !== json([...after.teams]) || json(before.warnings) !== json(after.warnings);
  const invalidChanged = before === undefined || json(before.invalid) !== json(after.invalid);
  if (added.length + changed.length + removed.length === 0 && !teamsChanged && !invalidChanged) return undefined;
  return { snapshot: after, added, changed, removed, invalid: after.invalid, teamsChanged };
}

function json(value: unknown): string {
  return JSON.stringify(value);
}
