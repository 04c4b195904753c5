import { buildSnapshot } from '../agents/build-snapshot';
import type { AgentsReply } from '../../protocol/dashboard-messages';
import { DEFAULT_PHASES } from '../../protocol/domain';

export interface AgentSources {
  readonly workspace: string;
  /** Orch's built-in `agents/` folder. */
  readonly builtinAgentsDir: string;
  readonly homeDir: string;
}

/** The registry as `orch agents --json` shows it (docs/design.md §4): `GET /api/agents`, the socket and the VS Code panel all answer with this. */
export async function readAgents(sources: AgentSources): Promise<AgentsReply> {
  const { snapshot } = await buildSnapshot({ workspace: sources.workspace, builtinDir: sources.builtinAgentsDir, homeDir: sources.homeDir, phases: DEFAULT_PHASES }, undefined);
  return {
    agents: [...snapshot.agents.values()].map((a) => ({
      name: a.name,
      description: a.description,
      model: a.model,
      provider: a.provider,
      tools: a.tools ?? null,
      team: a.team ?? null,
      phases: a.phases,
      source: a.source,
    })),
    invalid: snapshot.invalid.map((i) => ({ file: i.file, line: i.line, message: i.message })),
  };
}
