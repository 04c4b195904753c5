import { readdir, readFile } from 'node:fs/promises';

/**
 * Finds processes left behind by a crashed Orch for this run (agents inherit ORCH_RUN_ID in
 * their environment, and so do their children) and kills them before their tasks run again,
 * so two agents never work the same worktree. Linux /proc only; elsewhere it finds nothing.
 */
export async function killOrphans(runId: string): Promise<readonly number[]> {
  const marker = `ORCH_RUN_ID=${runId}`;
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const killed: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let environ: string;
    try {
      environ = await readFile(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (!environ.split('\0').includes(marker)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return killed;
}
