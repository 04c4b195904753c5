import type { Command } from './cli-io';
import { agentsCommand } from './commands/agents';
import { cancelCommand } from './commands/cancel';
import { demoCommand } from './commands/demo';
import { diffCommand } from './commands/diff';
import { mergeCommand } from './commands/merge';
import { pauseCommand } from './commands/pause';
import { planCommand } from './commands/plan';
import { resumeCommand } from './commands/resume';
import { runCommand } from './commands/run';
import { serveCommand } from './commands/serve';
import { statusCommand } from './commands/status';

// The command table. Each command lives in its own file under ./commands/.
export const commands: Readonly<Record<string, Command>> = {
  plan: planCommand,
  agents: agentsCommand,
  run: runCommand,
  resume: resumeCommand,
  status: statusCommand,
  demo: demoCommand,
  cancel: cancelCommand,
  pause: pauseCommand,
  serve: serveCommand,
  diff: diffCommand,
  merge: mergeCommand,
};
