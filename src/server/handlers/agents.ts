import { sendOk } from '../reply';
import { readAgents } from '../../orchestrator/views/read-agents';
import type { RouteHandler } from '../server-context';

/** The registry as `orch agents --json` shows it (docs/design.md §4). */
export const agentsHandler: RouteHandler = async ({ res }, context) => {
  sendOk(res, await readAgents({ workspace: context.paths.root, builtinAgentsDir: context.builtinAgentsDir, homeDir: context.homeDir }));
};
