// Reviews and the defect lifecycle: a reviewer's verdict on a task's work, and each defect as a
// record with a source, a triage, an owner and a history. The task's own state still moves on
// `defect.raised`; these events add what the defect is and who fixes it.

import type { EventEnvelope } from './events';

type Body<T extends string, P> = EventEnvelope & { readonly type: T } & P;

export type DefectSource = 'check' | 'review' | 'merge-conflict' | 'person';
export type DefectSeverity = 'critical' | 'major' | 'minor';
export type DefectState = 'open' | 'fixing' | 'verified' | 'closed' | 'wont-fix';
export type ReviewVerdict = 'approve' | 'request-changes';

/** One point a reviewer makes, at a place in the code when one applies. */
export interface ReviewFinding {
  readonly text: string;
  readonly file?: string;
  readonly line?: number;
}

/** Who works on a defect: an agent on a model. */
export interface DefectOwner {
  readonly agent: string;
  readonly model: string;
}

/** A reviewer agent (never the author) judged an attempt whose mechanical checks had passed. */
export type ReviewFinished = Body<
  'review.finished',
  {
    readonly taskId: string;
    /** The author's attempt that was reviewed. */
    readonly attemptId: string;
    /** The reviewer's own attempt (`review/PRD-1/T1#1`). */
    readonly reviewAttemptId: string;
    readonly reviewer: string;
    readonly model: string;
    readonly verdict: ReviewVerdict;
    readonly findings: readonly ReviewFinding[];
    readonly reasoning: string;
  }
>;

/** A new defect, triaged: severity and category come from the evidence, the owner is the author first. */
export type DefectOpened = Body<
  'defect.opened',
  {
    readonly defectId: string;
    readonly taskId: string;
    /** The attempt whose work had the defect. */
    readonly attemptId: string;
    readonly source: DefectSource;
    readonly severity: DefectSeverity;
    readonly category: string;
    readonly owner: DefectOwner;
    readonly summary: string;
    readonly findings?: readonly ReviewFinding[];
  }
>;

/** The fix of an open defect did not hold: the next verification found the same category again. */
export type DefectRecurred = Body<'defect.recurred', { readonly defectId: string; readonly attemptId: string; readonly summary: string }>;

/** Repeated failures moved the defect to a stronger model or another agent. */
export type DefectEscalated = Body<'defect.escalated', { readonly defectId: string; readonly from: DefectOwner; readonly to: DefectOwner; readonly reason: string }>;

/** A person gave the defect to another owner (the dashboard, VS Code). */
export type DefectReassigned = Body<'defect.reassigned', { readonly defectId: string; readonly to: DefectOwner; readonly by: string }>;

/** The fix was verified and the defect is done with; the lesson it left for later briefs, if any. */
export type DefectClosed = Body<'defect.closed', { readonly defectId: string; readonly lesson?: string }>;

export type DefectEvent = ReviewFinished | DefectOpened | DefectRecurred | DefectEscalated | DefectReassigned | DefectClosed;

/** A reviewer's verdict as the task page shows it. */
export interface ReviewRecord {
  readonly attemptId: string;
  readonly reviewAttemptId: string;
  readonly reviewer: string;
  readonly model: string;
  readonly verdict: ReviewVerdict;
  readonly findings: readonly ReviewFinding[];
  readonly reasoning: string;
  readonly at: string;
}

export interface DefectRecord {
  readonly id: string;
  readonly taskId: string;
  readonly source: DefectSource;
  readonly severity: DefectSeverity;
  readonly category: string;
  readonly owner: DefectOwner;
  readonly state: DefectState;
  /** Why it will not be fixed (the task was blocked, failed or cancelled). */
  readonly reason?: string;
  readonly summary: string;
  readonly findings?: readonly ReviewFinding[];
  /** The attempt whose work had the defect. */
  readonly detectedIn: string;
  /** When the defective attempt ended: detection time is `detectedAt` minus this. */
  readonly workEndedAt?: string;
  readonly detectedAt: string;
  /** The attempts that worked on it, oldest first. */
  readonly attempts: readonly string[];
  /** Times the fix did not hold. */
  readonly recurrences: number;
  readonly escalations: readonly { readonly from: DefectOwner; readonly to: DefectOwner; readonly reason: string; readonly at: string }[];
  /** A person gave it to its owner: who, and when (the latest reassignment wins). */
  readonly reassigned?: { readonly by: string; readonly at: string };
  readonly resolvedAt?: string;
  readonly closedAt?: string;
  readonly lesson?: string;
}
