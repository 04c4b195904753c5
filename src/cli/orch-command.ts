import type { OrchCommand } from '../server/server-context';

/**
 * This `orch` itself, to start another: the same Node, its flags (a loader when run from source)
 * and entry script, so a run started through the API runs the same build as the server.
 */
export function selfCommand(): OrchCommand {
  return { argv: [process.execPath, ...process.execArgv, process.argv[1] ?? 'orch'] };
}
