// A consult: an agent's tool call that has Orch run a short read-only attempt of another agent
// in the asker's worktree and hands back its answer. Its cost is the asking task's.

import type { EventEnvelope } from './events';

type Body<T extends string, P> = EventEnvelope & { readonly type: T } & P;

export type ConsultStarted = Body<
  'consult.started',
  {
    readonly consultId: string;
    /** The asking task (qualified id) and the attempt whose tool call asked. */
    readonly taskId: string;
    readonly attemptId: string;
    readonly agent: string;
    readonly model: string;
    readonly question: string;
  }
>;

export type ConsultFinished = Body<
  'consult.finished',
  {
    readonly consultId: string;
    readonly taskId: string;
    readonly agent: string;
    readonly outcome: 'succeeded' | 'failed';
    /** The consulted agent's final text, or why there is none. */
    readonly answer?: string;
    readonly error?: string;
    /** Charged to the asking task. */
    readonly costUsd: number;
    readonly durationMs: number;
  }
>;

export type ConsultEvent = ConsultStarted | ConsultFinished;
