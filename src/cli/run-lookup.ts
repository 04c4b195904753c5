import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RUN_ID_PATTERN } from '../protocol/dashboard-messages';
import { foldEvents } from '../protocol/fold';
import type { RunSnapshot } from '../protocol/run-snapshot';
import { InputError } from '../orchestrator/errors';
import { readEventLog } from '../orchestrator/events/read-event-log';
import { OrchStore } from '../orchestrator/store/orch-store';
import { workspacePaths, type WorkspacePaths } from '../orchestrator/workspace/workspace-paths';
import type { CliIo } from './cli-io';

/** The run a read-only command is about: the one named, else the workspace's latest. */
export async function findRunId(paths: WorkspacePaths, runId: string | undefined): Promise<string> {
  // Run ids name folders: one that could leave .orch/runs/ (`../x`) names no run, whatever is there.
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) throw new InputError(`${JSON.stringify(runId)} is not a run id`, undefined, "'orch status' names the latest run; the ids are the folders of .orch/runs/");
  if (runId !== undefined) return runId;
  const latest = (await OrchStore.open(paths.storeFile)).latestRun();
  if (latest === undefined) throw new InputError('no runs in this workspace yet', { file: paths.storeFile }, "start one with 'orch run <roadmap.md>'");
  return latest.runId;
}

/** Folds a run's log without taking the lock: safe while another process is writing it. */
export async function readRun(paths: WorkspacePaths, runId: string): Promise<RunSnapshot> {
  const file = paths.eventsFile(runId);
  const { events } = await readEventLog(file);
  const state = foldEvents(events);
  if (state === undefined) throw new InputError(`no run ${runId} in this workspace`, { file });
  return state;
}

/** The workspace a command works on; a `--workspace` that is not a folder is bad input, never made for it. */
export function workspaceOf(io: CliIo, workspace: string | undefined): WorkspacePaths {
  const root = resolve(io.cwd, workspace ?? '.');
  if (workspace !== undefined && !isDirectory(root)) throw new InputError(`workspace ${root} is not a directory`, undefined, 'pass --workspace with an existing folder');
  return workspacePaths(root);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
