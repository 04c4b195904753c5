import type { Command } from './cli-io';

// The command table. Each command lives in its own file under ./commands/.
export const commands: Readonly<Record<string, Command>> = {};
