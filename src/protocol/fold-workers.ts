// Workers of a distributed run as the coordinator last heard of them, and which ran each attempt.

import type { WorkerEvent } from './events-workers';
import type { RunSnapshot, WorkerSnapshot } from './run-snapshot';

export function foldWorker(s: RunSnapshot, e: WorkerEvent): RunSnapshot {
  const workers = s.workers ?? {};
  switch (e.type) {
    case 'worker.seen': {
      const seen: WorkerSnapshot = { name: e.worker, host: e.host, pid: e.pid, slots: e.slots, slotsInUse: e.slotsInUse, lastHeartbeatAt: e.heartbeatAt, state: 'alive' };
      return { ...s, workers: { ...workers, [e.worker]: seen } };
    }
    case 'worker.lost': {
      const known = workers[e.worker];
      if (known === undefined) return s;
      return { ...s, workers: { ...workers, [e.worker]: { ...known, state: 'lost', slotsInUse: 0, lostReason: e.reason } } };
    }
    case 'attempt.placed': {
      const attempt = s.attempts[e.attemptId];
      if (attempt === undefined) return s;
      return { ...s, attempts: { ...s.attempts, [e.attemptId]: { ...attempt, worker: e.worker, workerHost: e.host } } };
    }
  }
}
