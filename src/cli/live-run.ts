import { setTimeout as sleep } from 'node:timers/promises';
import type { RunSnapshot } from '../protocol/run-snapshot';
import type { WorkspacePaths } from '../orchestrator/workspace/workspace-paths';
import { readRun } from './run-lookup';

/** Polls the run's log (read-only: its process is the writer) until `done` holds or time runs out. */
export async function waitForRun(paths: WorkspacePaths, runId: string, done: (run: RunSnapshot) => boolean, timeoutMs: number): Promise<RunSnapshot | undefined> {
  for (let waited = 0; ; waited += 200) {
    const run = await readRun(paths, runId);
    if (done(run)) return run;
    if (waited >= timeoutMs) return undefined;
    await sleep(200);
  }
}
