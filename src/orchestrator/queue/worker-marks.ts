import { resolve } from 'node:path';

interface WorkerIdentity {
  readonly name: string;
  readonly folder: string;
}

/**
 * What marks every process a worker starts. Its folder, not its name: two workers on one machine
 * may share a name (two users, two test files), and a worker clearing an earlier self's leftovers
 * must not stop the other's agents. Two workers never share a folder: they would share a clone.
 */
export function workerMarks(place: WorkerIdentity): { readonly ORCH_WORKER: string; readonly ORCH_WORKER_FOLDER: string } {
  return { ORCH_WORKER: place.name, ORCH_WORKER_FOLDER: resolve(place.folder) };
}

export const workerMarker = (place: WorkerIdentity): string => `ORCH_WORKER_FOLDER=${workerMarks(place).ORCH_WORKER_FOLDER}`;
