import type { ChangedFile } from '../../orchestrator/results/run-diff';
import { mergeRun, type MergeOutcome } from '../../orchestrator/results/merge-run';
import { type CliIo, type Command } from '../cli-io';
import { cliAuditedValue } from '../cli-audit';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs } from '../run-cli';
import { findRunId, readRun, workspaceOf } from '../run-lookup';

/** `orch merge [runId] [--into BRANCH]`: the run's integration branch into BRANCH (default: the current one). */
export const mergeCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, { into: { type: 'string' }, workspace: { type: 'string' } }, { min: 0, max: 1, names: '[runId]' });
  const paths = workspaceOf(io, values.workspace);
  const runId = await findRunId(paths, positionals[0]);
  const run = await readRun(paths, runId);
  const outcome = await cliAuditedValue(io, paths, { action: 'run.merge', target: runId, detail: { into: values.into ?? null } }, () => mergeRun(paths.root, run, paths.eventsFile(runId), values.into));
  if (run.state === 'paused') io.err(`orch: run ${runId} is paused: work it verifies later is not in this merge (run orch merge again after it ends)`);
  return report(outcome, io);
};

function report(outcome: MergeOutcome, io: CliIo): number {
  switch (outcome.kind) {
    case 'up-to-date':
      io.out(`${outcome.into} already has all of ${outcome.branch}: nothing to merge`);
      return EXIT.ok;
    case 'conflict':
      io.err(`orch: merging ${outcome.branch} into ${outcome.into} conflicts in:\n${outcome.conflicts.map((f) => `  ${f}`).join('\n')}`);
      io.err(`the merge was aborted; ${outcome.into} and its files are as they were. To resolve it yourself: ${outcome.manual}`);
      return EXIT.taskFailed;
    case 'failed':
      io.err(`orch: merging ${outcome.branch} into ${outcome.into} failed; nothing changed:\n${outcome.detail}`);
      return EXIT.taskFailed;
    default: {
      const how = outcome.kind === 'fast-forward' ? 'fast-forwarded' : `merged (${outcome.commit.slice(0, 10)})`;
      const where = outcome.worktree === undefined ? ' (branch only: no working tree changed)' : '';
      io.out(`${how} ${outcome.branch} into ${outcome.into}${where}: ${outcome.commits.length} commit(s), ${outcome.files.length} file(s)`);
      for (const line of outcome.commits) io.out(`  ${line}`);
      for (const file of outcome.files) io.out(`  ${fileLine(file)}`);
      return EXIT.ok;
    }
  }
}

function fileLine(file: ChangedFile): string {
  const counts = file.additions === null ? 'binary' : `+${file.additions} -${file.deletions ?? 0}`;
  return `${file.status.padEnd(8)} ${file.path}  ${counts}`;
}
