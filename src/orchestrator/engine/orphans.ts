import { findMarkedProcesses } from '../runner/process-group';

/**
 * Finds processes left behind by a crashed Orch for this run (agents inherit ORCH_RUN_ID in
 * their environment, and so do their children) and kills them before their tasks run again,
 * so two agents never work the same worktree. Linux /proc only; elsewhere it finds nothing.
 */
export async function killOrphans(runId: string): Promise<readonly number[]> {
  const killed: number[] = [];
  for (const pid of findMarkedProcesses(`ORCH_RUN_ID=${runId}`)) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return killed;
}
