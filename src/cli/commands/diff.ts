import { NoVerifiedWorkError, diffText, runChanges } from '../../orchestrator/results/run-diff';
import { type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs } from '../run-cli';
import { findRunId, readRun, workspaceOf } from '../run-lookup';

/** `orch diff [runId] [--task PRD-1/T2] [--stat] [--json]`: read-only, so it works while the run is active. */
export const diffCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(
    args,
    { task: { type: 'string' }, stat: { type: 'boolean' }, json: { type: 'boolean' }, workspace: { type: 'string' } },
    { min: 0, max: 1, names: '[runId]' },
  );
  const paths = workspaceOf(io, values.workspace);
  const runId = await findRunId(paths, positionals[0]);
  const run = await readRun(paths, runId);
  let changes;
  try {
    changes = await runChanges(paths.root, run, paths.eventsFile(runId), values.task);
  } catch (error) {
    if (!(error instanceof NoVerifiedWorkError)) throw error;
    io.err(`orch: ${error.message}`);
    return EXIT.taskFailed;
  }
  if (values.json === true) {
    io.out(JSON.stringify(changes, null, 2));
    return EXIT.ok;
  }
  const text = await diffText(paths.root, changes, values.stat === true);
  const what = changes.taskId ?? `run ${runId}`;
  if (text === '') io.err(`orch: ${what} changed no files (${changes.branch})`);
  else io.out(text.replace(/\n$/, ''));
  return EXIT.ok;
};
