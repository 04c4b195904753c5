import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LockedError } from '../orchestrator/engine/run-lock';
import { InputError, InputErrors } from '../orchestrator/errors';
import { closeSharedToolServerIfIdle } from '../orchestrator/runner/mcp/orch-tool-server';
import { processIo, type CliIo, type Command } from './cli-io';
import { EXIT } from '../protocol/exit-codes';
import { commands } from './commands';
import { orchVersion } from './package-root';
import { commandHelp, USAGE, wantsHelp } from './usage';


export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined && Object.hasOwn(commands, rest[0])) {
    io.out(commandHelp(rest[0]));
    return EXIT.ok;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(`orch ${orchVersion()}`);
    return EXIT.ok;
  }
  const load: (() => Promise<Command>) | undefined = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (load === undefined) {
    io.err(`orch: unknown command '${name}'\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (wantsHelp(rest)) {
    io.out(commandHelp(name));
    return EXIT.ok;
  }
  try {
    return await (await load())(rest, io);
  } catch (error) {
    return reportError(error, io, name);
  } finally {
    // The run is over: its agents' tool server goes too, unless another command here still uses it.
    await closeSharedToolServerIfIdle();
  }
}

function reportError(error: unknown, io: CliIo, command: string): number {
  if (error instanceof InputError || error instanceof InputErrors) {
    io.err(error instanceof InputError ? `orch: ${error.format()}` : `orch: invalid input:\n${error.message}`);
    return EXIT.usage;
  }
  // Nothing ran: the workspace is another process's until it ends (the message names it).
  if (error instanceof LockedError) {
    io.err(`orch: ${error.message}`);
    return EXIT.usage;
  }
  // The command's own usage: the whole list would bury the line that matters.
  if (error instanceof UsageError) {
    io.err(`orch: ${error.message}\n\n${commandHelp(command)}`);
    return EXIT.usage;
  }
  io.err(`orch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.taskFailed;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `parseArgs` with its errors turned into usage errors (exit 2). */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(
  args: readonly string[],
  options: T,
  positionals: { min: number; max: number; names: string },
) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    throw new UsageError(`expected ${positionals.names}, got ${count === 0 ? 'nothing' : parsed.positionals.join(' ')}`);
  }
  return parsed;
}
