import type { NewEvent } from '../../src/protocol/events';
import { sampleRoadmap } from '../integration/server-harness';

/**
 * A distributed run seen by its coordinator: three workers on three hosts; w-gamma took PRD-1/T2#1
 * and went silent, so it is lost and the task's second attempt runs on w-beta. `heartbeatAt` is
 * each worker's clock.
 */
export function threeWorkersRun(heartbeatAt: string): NewEvent[] {
  const seen = (worker: string, host: string, pid: number, slots: number, slotsInUse: number): NewEvent => ({ type: 'worker.seen', worker, host, pid, slots, slotsInUse, heartbeatAt });
  return [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
    { type: 'plan.loaded', roadmap: sampleRoadmap },
    seen('w-alpha', 'host-a', 101, 2, 0),
    seen('w-beta', 'host-b', 202, 2, 0),
    seen('w-gamma', 'host-c', 303, 1, 0),
    { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'backend-engineer', model: 'sonnet', prompt: 'Build T1' },
    { type: 'attempt.placed', attemptId: 'PRD-1/T1#1', worker: 'w-alpha', host: 'host-a', jobId: 'job-1' },
    seen('w-alpha', 'host-a', 101, 2, 1),
    { type: 'attempt.started', taskId: 'PRD-2/T1', attemptId: 'PRD-2/T1#1', agent: 'architect', model: 'opus', prompt: 'Design T1' },
    { type: 'attempt.placed', attemptId: 'PRD-2/T1#1', worker: 'w-gamma', host: 'host-c', jobId: 'job-2' },
    seen('w-gamma', 'host-c', 303, 1, 1),
    { type: 'worker.lost', worker: 'w-gamma', reason: 'no heartbeat for 60 s' },
    { type: 'attempt.finished', attemptId: 'PRD-2/T1#1', outcome: 'failed', failure: 'crashed', message: 'worker w-gamma lost', costUsd: 0, costSource: 'estimated', inputTokens: 0, outputTokens: 0, durationMs: 1000 },
    { type: 'attempt.started', taskId: 'PRD-2/T1', attemptId: 'PRD-2/T1#2', agent: 'architect', model: 'opus', prompt: 'Design T1' },
    { type: 'attempt.placed', attemptId: 'PRD-2/T1#2', worker: 'w-beta', host: 'host-b', jobId: 'job-3' },
    seen('w-beta', 'host-b', 202, 2, 1),
  ];
}
