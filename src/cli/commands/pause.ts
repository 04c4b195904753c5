import { requestRunControl } from '../../orchestrator/engine/request-run-control';
import { type Command } from '../cli-io';
import { cliAuditedValue } from '../cli-audit';
import { EXIT } from '../../protocol/exit-codes';
import { waitForRun } from '../live-run';
import { parseCommandArgs } from '../run-cli';
import { exitCodeFor } from '../run-summary';
import { findRunId, readRun, workspaceOf } from '../run-lookup';

// Asks the process running the run to pause: no new task starts, running ones finish, then it
// records `run.paused` and waits (keeping its lock) for `orch resume`.
export const pauseCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, { workspace: { type: 'string' }, wait: { type: 'boolean' } }, { min: 0, max: 1, names: '[runId]' });
  const paths = workspaceOf(io, values.workspace);
  const runId = await findRunId(paths, positionals[0]);
  // A mistyped id is no run at all, as every other command says, not a run nobody is running.
  await readRun(paths, runId);
  const { pid } = await cliAuditedValue(io, paths, { action: 'run.pause', target: runId }, () => requestRunControl(paths, runId, 'pause'));
  io.out(`asked Orch (pid ${pid}) to pause run ${runId}: no new task starts; running tasks finish first`);
  if (values.wait !== true) return EXIT.ok;
  const run = await waitForRun(paths, runId, (r) => r.state !== 'running', 24 * 3600_000);
  io.out(`run ${runId} is ${run?.state ?? 'still running'}${run?.state === 'paused' ? `; continue it with 'orch resume ${runId}'` : ''}`);
  if (run === undefined || run.state === 'running') return EXIT.taskFailed;
  // Paused is what was asked, whatever paused it; a run that ended first exits as `orch run` would.
  return run.state === 'paused' ? EXIT.ok : exitCodeFor(run.state);
};
