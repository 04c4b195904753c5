import { DEFAULT_PHASES } from '../../protocol/domain';
import type { AgentsReply } from '../../protocol/dashboard-messages';
import { buildSnapshot } from '../../orchestrator/agents/build-snapshot';
import { sendOk } from '../reply';
import type { RouteHandler } from '../server-context';

/** The registry as `orch agents --json` shows it (DESIGN.md §4). */
export const agentsHandler: RouteHandler = async ({ res }, context) => {
  const { snapshot } = await buildSnapshot(
    { workspace: context.paths.root, builtinDir: context.builtinAgentsDir, homeDir: context.homeDir, phases: DEFAULT_PHASES },
    undefined,
  );
  const reply: AgentsReply = {
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
  sendOk(res, reply);
};
