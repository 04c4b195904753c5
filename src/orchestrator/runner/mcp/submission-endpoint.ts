// Orch's submission tools (submit_prd, submit_roadmap): the attempt that hands one in brings a
// handler that validates the call's arguments with Orch's own parser and registry; the verdict is
// the tool's answer, so the model fixes its errors in the same turn. The whole submission arrives
// in this process: no activity text cuts it.

const SUBMIT_TOOLS = ['submit_prd', 'submit_roadmap', 'submit_review'] as const;
export type SubmitToolName = (typeof SUBMIT_TOOLS)[number];

/** What the tool answers: `accepted` with a confirmation, or the errors for the model to fix. */
export interface SubmissionVerdict {
  readonly accepted: boolean;
  readonly text: string;
}

/** Validates one call's arguments (untrusted JSON from the model) and keeps what it accepts. */
export type SubmissionHandler = (args: unknown) => SubmissionVerdict | Promise<SubmissionVerdict>;

export type SubmissionHandlers = Readonly<Partial<Record<SubmitToolName, SubmissionHandler>>>;

/** Larger arguments get a clear tool error instead of reaching a handler. */
export const MAX_SUBMISSION_BYTES = 1_000_000;

export function submitToolsOf(handlers: SubmissionHandlers | undefined): SubmitToolName[] {
  return SUBMIT_TOOLS.filter((t) => handlers?.[t] !== undefined);
}
