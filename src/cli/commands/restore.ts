import { resolve } from 'node:path';
import { claudeConfigDir } from '../../orchestrator/backup/claude-sessions';
import { restoreBackup } from '../../orchestrator/backup/restore-backup';
import { type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs } from '../run-cli';

/** `orch restore FILE [--into DIR] [--force]`: DIR defaults to the workspace (the current folder). */
export const restoreCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(
    args,
    { into: { type: 'string' }, force: { type: 'boolean' }, workspace: { type: 'string' } },
    { min: 1, max: 1, names: 'FILE' },
  );
  const archive = resolve(io.cwd, positionals[0]!);
  const into = resolve(io.cwd, values.into ?? values.workspace ?? '.');
  // Audit hook (issue 17 item 3): a restore changes state, so its audit entry is appended here, before restoreBackup runs.
  const result = await restoreBackup(archive, into, { force: values.force === true, claudeConfigDir: claudeConfigDir(io.env) });
  io.out(`restored ${archive} into ${result.into}: ${result.files} file(s), ${result.branches} branch(es), ${result.sessions} claude session(s)`);
  for (const run of result.manifest.runs) io.out(`  run ${run.runId}: ${run.state} at event ${run.lastSeq}${run.state === 'running' || run.state === 'paused' ? ` (continue it with: orch resume ${run.runId})` : ''}`);
  if (result.kept.length > 0) io.out(`  kept this workspace's own ${result.kept.join(' and ')} (a restore never rolls them back)`);
  if (result.replaced.length > 0) io.out(`  replaced newer state (--force): ${result.replaced.join('; ')}`);
  return EXIT.ok;
};
