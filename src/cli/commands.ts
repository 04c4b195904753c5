import type { Command } from './cli-io';
import { agentsCommand } from './commands/agents';
import { cancelCommand } from './commands/cancel';
import { planCommand } from './commands/plan';
import { serveCommand } from './commands/serve';
import { statusCommand } from './commands/status';

// The command table. Each command lives in its own file under ./commands/.
export const commands: Readonly<Record<string, Command>> = {
  plan: planCommand,
  agents: agentsCommand,
  status: statusCommand,
  cancel: cancelCommand,
  serve: serveCommand,
};
