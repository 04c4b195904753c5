// Workers of a distributed run (`orch run --queue`, `orch worker`): the coordinator records
// what it hears from them, so the log says which worker ran which attempt and who was alive.

import type { EventEnvelope } from './events';

type Body<T extends string, P> = EventEnvelope & { readonly type: T } & P;

/**
 * A worker joined, its slots in use changed, or it sent a heartbeat (logged when something
 * changed, and otherwise at most every 30 s per worker, so the log does not fill with them).
 */
export type WorkerSeen = Body<
  'worker.seen',
  {
    readonly worker: string;
    readonly host: string;
    readonly pid: number;
    readonly slots: number;
    readonly slotsInUse: number;
    /** When the worker sent it (its clock), ISO 8601. */
    readonly heartbeatAt: string;
  }
>;

/** The worker stopped heartbeating, or left: its jobs go back to the queue. */
export type WorkerLost = Body<'worker.lost', { readonly worker: string; readonly reason: string }>;

/** A worker took the attempt's job. */
export type AttemptPlaced = Body<
  'attempt.placed',
  { readonly attemptId: string; readonly worker: string; readonly host: string; readonly jobId: string }
>;

export type WorkerEvent = WorkerSeen | WorkerLost | AttemptPlaced;
