import { execInHelper, type ExecResult } from './exec-helpers';

export type GitResult = ExecResult;

// Orch commits on the user's behalf in worktrees; a machine without a configured identity
// (CI, containers) must still work, and the commits should say who made them.
const identity = ['-c', 'user.name=Orch', '-c', 'user.email=orch@localhost', '-c', 'commit.gpgsign=false'];

/** Runs git with an argument array (never a shell) and returns the outcome without throwing. */
export function git(cwd: string, args: readonly string[], env: Readonly<Record<string, string>> = {}, input?: string): Promise<GitResult> {
  return execInHelper({ file: 'git', args: [...identity, ...args], cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env, GIT_TERMINAL_PROMPT: '0' }, ...(input === undefined ? {} : { input }) });
}

/** Like `git`, but a non-zero exit is an error quoting the command and git's own words. */
export async function gitOk(cwd: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<string> {
  const result = await git(cwd, args, env);
  if (result.code !== 0) {
    throw new Error(`git ${args.join(' ')} failed in ${cwd} (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}

/**
 * A checkout writes its files with a worker per core (git 2.32+; older ones ignore the key, and
 * git itself stays sequential under 100 files). Adds take turns, so a big checkout would hold
 * every later task of the wave: one of 3,000 files took 2.5 s alone, 1.3 s with two workers.
 */
export const PARALLEL_CHECKOUT = ['-c', 'checkout.workers=0'] as const;
