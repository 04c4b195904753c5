import { hostname } from 'node:os';
import { InputError } from '../errors';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { holderState, readLock } from './run-lock';

// The process running a workflow is the only writer of its log, so another process (the
// dashboard server, the editor) asks it to pause or resume; it records the change itself.
const SIGNALS = { pause: 'SIGUSR1', resume: 'SIGUSR2' } as const;

export type ControlAction = keyof typeof SIGNALS;

export async function requestRunControl(paths: WorkspacePaths, runId: string, action: ControlAction): Promise<{ readonly pid: number }> {
  const holder = await readLock(paths.lockFile);
  if (holder?.runId !== runId || holder.host !== hostname()) {
    throw new InputError(
      `no Orch process is running run ${runId} here`,
      { file: paths.lockFile },
      action === 'resume' ? `continue it with 'orch resume ${runId}'` : 'a run that is not running cannot be paused',
    );
  }
  const state = holderState(holder);
  if (state === 'other') {
    throw new InputError(
      `no live Orch process holds run ${runId} (pid ${holder.pid} is another process; the lock was left by an Orch that died)`,
      { file: paths.lockFile },
      action === 'resume' ? `continue it with 'orch resume ${runId}'` : 'a run that is not running cannot be paused',
    );
  }
  if (state === 'gone' || !signal(holder.pid, SIGNALS[action])) {
    throw new InputError(`the Orch process of run ${runId} (pid ${holder.pid}) is gone`, { file: paths.lockFile }, `continue it with 'orch resume ${runId}'`);
  }
  return { pid: holder.pid };
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
