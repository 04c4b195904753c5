import type { Command } from './cli-io';
import { planCommand } from './commands/plan';

// The command table. Each command lives in its own file under ./commands/.
export const commands: Readonly<Record<string, Command>> = {
  plan: planCommand,
};
