import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LockedError } from '../orchestrator/engine/run-lock';
import { InputError, InputErrors } from '../orchestrator/errors';
import { closeSharedToolServerIfIdle } from '../orchestrator/runner/mcp/orch-tool-server';
import { processIo, type CliIo, type Command } from './cli-io';
import { EXIT } from '../protocol/exit-codes';
import { commands } from './commands';
import { orchVersion } from './package-root';

const USAGE = `usage: orch <command> [options]   (orch --version: the installed version)

commands:
  plan <roadmap.md> [--json]     show the plan tree (--infer: the planner agent structures a free-form roadmap)
  plan <roadmap.md> --estimate [--json] [--parallel N]
                                 predicted duration, cost and risk per task, PRD, milestone and run, before any spend
  agents [--json]                list the agent registry
  run <roadmap.md> [options]     run the roadmap's tasks with Claude Code sub-agents
  resume [runId] [--task ID]...  continue an interrupted or paused run (--task: requeue only these failed/blocked tasks; the run's pending work continues)
  pause [runId] [--wait]         pause the running run: no new task starts, running ones finish
  status [runId] [--json]        a run's state, from its event log
  cancel [runId]                 cancel the active run
  serve [--port N]               dashboard and API for the workspace's runs
  diff [runId] [--task ID] [--stat] [--json]
                                 the verified work of a run (its integration branch since it started) or of one task
  merge [runId] [--into BRANCH]  take a run's integration branch into BRANCH (default: the current branch)
  token create --name N --scope read|control [--expires 7d] | token list | token revoke N
                                 scoped API tokens (printed once, stored as a hash)
  audit [--json] [--verify]      the hash-chained audit log; --verify checks the chain
  backup [--out FILE]            a consistent archive of the workspace's Orch state, also while a run is live
  restore FILE [--into DIR] [--force]
                                 restore a backup (refuses to replace newer state without --force)
  defects [runId] [--json]       defects with source, severity, owner, state and detection/resolution times
  messages [runId] [--json]      messages between agents and the person, with delivery state (--task ID: one task's conversation)
  answer <PRD-1/T2> "<text>"     answer the question a task's agent asked (a task waiting for input)
  learn [--export | --reset]     the learning store: a summary, its JSON (--export), or forget it (--reset)
  demo [--exit] [--pace S]       the bundled example with the bundled scripted model, paced, with its dashboard until Ctrl-C (--exit: end with the run, unpaced)
  worker --queue redis://HOST:PORT [--slots N] [--name NAME]
                                 run attempts of distributed runs (\`orch run|resume --queue URL\` coordinates them)`;

export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
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
  try {
    return await (await load())(rest, io);
  } catch (error) {
    return reportError(error, io);
  } finally {
    // The run is over: its agents' tool server goes too, unless another command here still uses it.
    await closeSharedToolServerIfIdle();
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof InputError || error instanceof InputErrors) {
    io.err(error instanceof InputError ? `orch: ${error.format()}` : `orch: invalid input:\n${error.message}`);
    return EXIT.usage;
  }
  // Nothing ran: the workspace is another process's until it ends (the message names it).
  if (error instanceof LockedError) {
    io.err(`orch: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    io.err(`orch: ${error.message}\n\n${USAGE}`);
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
