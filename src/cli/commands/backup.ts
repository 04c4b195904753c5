import { resolve } from 'node:path';
import { claudeConfigDir } from '../../orchestrator/backup/claude-sessions';
import { defaultBackupFile, writeBackup } from '../../orchestrator/backup/write-backup';
import { type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs } from '../run-cli';
import { workspaceOf } from '../run-lookup';

/** `orch backup [--out FILE]`: takes no lock, so it works while a run is live. */
export const backupCommand: Command = async (args, io) => {
  const { values } = parseCommandArgs(args, { out: { type: 'string' }, workspace: { type: 'string' } }, { min: 0, max: 0, names: 'no positional arguments' });
  const paths = workspaceOf(io, values.workspace);
  const now = new Date();
  const out = values.out === undefined ? await defaultBackupFile(paths, now) : resolve(io.cwd, values.out);
  const result = await writeBackup(paths, out, { now, claudeConfigDir: claudeConfigDir(io.env) });
  const runs = result.manifest.runs.map((r) => `${r.runId} (${r.state}, ${r.lastSeq} events)`);
  io.out(`backup written: ${result.file} (${result.files} entries, ${(result.bytes / 1024).toFixed(1)} KiB)`);
  io.out(`  runs: ${runs.length === 0 ? 'none' : runs.join(', ')}`);
  if (result.manifest.sessions.length > 0) io.out(`  claude sessions of unfinished tasks: ${result.manifest.sessions.length}`);
  if (result.manifest.git !== undefined) io.out(`  git: ${result.manifest.git.refs.length} branch(es)${result.manifest.git.wip.length > 0 ? `, work in progress of ${result.manifest.git.wip.length} live task(s)` : ''}`);
  return EXIT.ok;
};
