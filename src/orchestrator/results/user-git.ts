import { execFile } from 'node:child_process';
import type { GitResult } from '../engine/git';

/**
 * Git for commits made in the user's own branches: they carry the user's identity and hooks.
 * Only a machine with no identity at all (CI, containers) gets Orch's, as a run's commits do.
 */
export async function userGit(cwd: string, args: readonly string[]): Promise<GitResult> {
  const identity = (await exec(cwd, ['var', 'GIT_COMMITTER_IDENT'])).code === 0 ? [] : ['-c', 'user.name=Orch', '-c', 'user.email=orch@localhost'];
  return exec(cwd, [...identity, ...args]);
}

function exec(cwd: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_MERGE_AUTOEDIT: 'no' } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}
