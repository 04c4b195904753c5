import { stringify } from 'yaml';
import type { Provider } from '../../protocol/domain';

/** What `addAgent` takes: the fields of an agent file. */
export interface NewAgent {
  readonly name: string;
  readonly description: string;
  /** The system prompt (the file's Markdown body). */
  readonly prompt: string;
  readonly tools?: readonly string[];
  readonly model?: string;
  readonly provider?: Provider;
  readonly team?: string;
  readonly phases?: readonly string[];
  readonly maxParallel?: number;
  readonly budgetUsd?: number;
  /** Other Claude Code keys (`color`, `permissionMode`, ...), written as given. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** The agent as a file a person can read and edit: Claude Code's layout, keys in a familiar order. */
export function renderAgentFile(agent: NewAgent): string {
  const front: Record<string, unknown> = { name: agent.name, description: agent.description };
  // Claude Code writes tools as one comma-separated line.
  if (agent.tools !== undefined) front.tools = agent.tools.join(', ');
  if (agent.model !== undefined) front.model = agent.model;
  if (agent.provider !== undefined && agent.provider !== 'claude') front.provider = agent.provider;
  if (agent.team !== undefined) front.team = agent.team;
  if (agent.phases !== undefined && agent.phases.length > 0) front.phases = [...agent.phases];
  if (agent.maxParallel !== undefined) front.maxParallel = agent.maxParallel;
  if (agent.budgetUsd !== undefined) front.budgetUsd = agent.budgetUsd;
  for (const [key, value] of Object.entries(agent.extra ?? {})) if (!(key in front)) front[key] = value;
  const yaml = stringify(front, { lineWidth: 0 });
  return `---\n${yaml}---\n\n${agent.prompt.trim()}\n`;
}
