import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { auditFile } from '../../orchestrator/audit/audit-entry';
import { workspacePaths } from '../../orchestrator/workspace/workspace-paths';
import { cliAuditedValue } from '../cli-audit';
import { claudeConfigDir } from '../../orchestrator/backup/claude-sessions';
import { restoreBackup } from '../../orchestrator/backup/restore-backup';
import { type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs } from '../run-cli';
import { shellWord } from '../shell-word';

/** `orch restore FILE [--into DIR] [--force]`: DIR defaults to the workspace (the current folder). */
export const restoreCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(
    args,
    { into: { type: 'string' }, force: { type: 'boolean' }, workspace: { type: 'string' } },
    { min: 1, max: 1, names: 'FILE' },
  );
  const archive = resolve(io.cwd, positionals[0]!);
  const into = resolve(io.cwd, values.into ?? values.workspace ?? '.');
  const paths = workspacePaths(into);
  const what = { action: 'workspace.restore', target: archive, detail: { force: values.force === true } };
  const restore = () => restoreBackup(archive, into, { force: values.force === true, claudeConfigDir: claudeConfigDir(io.env) });
  // A workspace with its own audit log records the restore before it acts (the log is never replaced).
  // Without one, the archive brings its chain, and the restore is recorded on that chain right after,
  // so the backed-up history is not cut off by a fresh log started just before it.
  const hadAuditLog = existsSync(auditFile(paths));
  const result = hadAuditLog ? await cliAuditedValue(io, paths, what, restore) : await restore();
  if (!hadAuditLog) await cliAuditedValue(io, paths, what, () => Promise.resolve(result));
  io.out(`restored ${archive} into ${result.into}: ${result.files} file(s), ${result.branches} branch(es), ${result.sessions} claude session(s)`);
  // Restored elsewhere, the resume must name the folder: it is not the one the person is in.
  const where = into === resolve(io.cwd) ? '' : ` --workspace ${shellWord(into)}`;
  for (const run of result.manifest.runs) io.out(`  run ${run.runId}: ${run.state} at event ${run.lastSeq}${run.state === 'running' || run.state === 'paused' ? ` (continue it with: orch resume ${run.runId}${where})` : ''}`);
  if (result.kept.length > 0) io.out(`  kept this workspace's own ${result.kept.join(' and ')} (a restore never rolls them back)`);
  if (result.replaced.length > 0) io.out(`  replaced newer state (--force): ${result.replaced.join('; ')}`);
  return EXIT.ok;
};
