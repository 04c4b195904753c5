import type { RegistrySnapshot } from '../../orchestrator/agents/agent-types';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import type { TreeNode } from './tree-node';

/** The agents of the registry, busy ones first marked with what they work on. */
export function agentsTree(registry: RegistrySnapshot, run: RunSnapshot | undefined): readonly TreeNode[] {
  const busy = busyAgents(run);
  const agents: TreeNode[] = [...registry.agents.values()].map((a) => {
    const tasks = busy.get(a.name) ?? [];
    return {
      id: `agent:${a.name}`,
      kind: 'agent',
      label: a.name,
      description: [tasks.length > 0 ? `busy: ${tasks.join(', ')}` : undefined, a.model, a.provider === 'claude' ? undefined : a.provider, a.team]
        .filter((p) => p !== undefined)
        .join(' · '),
      tooltip: [
        `${a.name} (${a.origin})`,
        a.description,
        `Model: ${a.model} · provider ${a.provider}`,
        `Phases: ${a.phases.join(', ') || 'none'}`,
        ...(a.team === undefined ? [] : [`Team: ${a.team}`]),
        `Tools: ${a.tools === undefined ? 'all' : a.tools.join(', ')}`,
        `File: ${a.source}`,
        ...a.overrides.map((o) => `Overrides: ${o}`),
      ].join('\n'),
      icon: tasks.length > 0 ? { id: 'sync~spin', color: 'charts.blue' } : { id: 'person' },
      file: a.source,
      children: [],
    };
  });
  const invalid: TreeNode[] = registry.invalid.map((issue) => ({
    id: `invalid:${issue.file}:${issue.line}`,
    kind: 'message',
    label: `${issue.file.split(/[\\/]/).at(-1) ?? issue.file}:${issue.line}`,
    description: issue.message,
    tooltip: `${issue.file}:${issue.line}: ${issue.message}\n${issue.hint}`,
    icon: { id: 'warning', color: 'problemsWarningIcon.foreground' },
    file: issue.file,
    children: [],
  }));
  return [...agents, ...invalid];
}

/** Agent name to the tasks it is running now, from the run's attempts. */
function busyAgents(run: RunSnapshot | undefined): ReadonlyMap<string, readonly string[]> {
  const busy = new Map<string, string[]>();
  if (run?.state !== 'running') return busy;
  for (const a of Object.values(run.attempts)) {
    if (a.state !== 'running') continue;
    busy.set(a.agent, [...(busy.get(a.agent) ?? []), a.taskId]);
  }
  return busy;
}
