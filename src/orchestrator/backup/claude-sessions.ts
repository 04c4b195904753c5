import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { taskSlug } from '../engine/worktrees';
import type { WorkspacePaths } from '../workspace/workspace-paths';

// A rework or a resumed attempt continues its agent's Claude session (`claude --resume`), which
// the claude CLI keeps under its config folder, in a folder named after the working directory.
// A workspace restored elsewhere has other working directories: the sessions its unfinished
// tasks would continue go into the backup and come back under the new folders' names.

/** The claude CLI's own limit: longer names are cut and hashed, which Orch does not reproduce. */
const MAX_FOLDER = 200;

export interface SessionCopy {
  readonly sessionId: string;
  /** The attempt's working directory, relative to the workspace root (POSIX). */
  readonly cwd: string;
  readonly file: string;
}

export function claudeConfigDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.CLAUDE_CONFIG_DIR !== undefined && env.CLAUDE_CONFIG_DIR !== '') return env.CLAUDE_CONFIG_DIR;
  return env.HOME === undefined || env.HOME === '' ? undefined : join(env.HOME, '.claude');
}

/** The folder the claude CLI keeps a working directory's sessions in. */
function projectFolder(cwd: string): string | undefined {
  const name = cwd.replace(/[^a-zA-Z0-9]/g, '-');
  return name.length <= MAX_FOLDER ? name : undefined;
}

/** The saved sessions that the unfinished tasks of these runs would resume. */
export function resumableSessions(paths: WorkspacePaths, configDir: string, runs: readonly RunSnapshot[]): SessionCopy[] {
  const found: SessionCopy[] = [];
  for (const run of runs) {
    for (const task of Object.values(run.tasks)) {
      if (task.state === 'verified') continue;
      const attempt = run.attempts[task.attempts.at(-1) ?? ''];
      const init = attempt?.activity.find((a) => a.kind === 'init');
      const sessionId = attempt?.sessionId ?? (init?.kind === 'init' ? init.sessionId : undefined);
      if (sessionId === undefined) continue;
      for (const cwd of [paths.worktreeDir(taskSlug(task.id)), paths.root]) {
        const folder = projectFolder(cwd);
        const file = folder === undefined ? undefined : join(configDir, 'projects', folder, `${sessionId}.jsonl`);
        if (file !== undefined && existsSync(file)) {
          found.push({ sessionId, cwd: relative(paths.root, cwd).split(sep).join('/'), file });
          break;
        }
      }
    }
  }
  return found;
}

/** Puts each session where the claude CLI looks for it from the same folder of the restored workspace; one already there stays. */
export async function placeSessions(root: string, configDir: string, sessions: readonly { sessionId: string; cwd: string; file: string }[]): Promise<number> {
  let placed = 0;
  for (const s of sessions) {
    const folder = projectFolder(join(root, s.cwd));
    if (folder === undefined) continue;
    const target = join(configDir, 'projects', folder, `${s.sessionId}.jsonl`);
    if (existsSync(target)) continue;
    await mkdir(join(configDir, 'projects', folder), { recursive: true });
    await copyFile(s.file, target);
    placed += 1;
  }
  return placed;
}
