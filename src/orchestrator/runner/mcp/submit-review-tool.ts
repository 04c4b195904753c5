// The reviewer's verdict tool: `submit_review({verdict, findings})`. The arguments are checked
// here, so a reviewer that gets them wrong is told what to fix in the same turn.

import type { ReviewFinding, ReviewVerdict } from '../../../protocol/events-defects';
import type { ToolDefinition } from './orch-tools';

export const SUBMIT_REVIEW: ToolDefinition = {
  name: 'submit_review',
  description:
    "Hand in your review of the task's work: verdict 'approve' when it does everything its brief asks, or 'request-changes' with findings the author can act on. Orch checks the call at once and answers 'accepted' or what to fix.",
  inputSchema: {
    type: 'object',
    properties: {
      verdict: { type: 'string', enum: ['approve', 'request-changes'] },
      findings: {
        type: 'array',
        description: 'What must change: one entry per point, with the file and line where one applies. Empty when approving.',
        items: {
          type: 'object',
          properties: {
            text: { type: 'string', description: 'What is wrong or missing and what the brief asked for.' },
            file: { type: 'string', description: 'A path relative to the worktree.' },
            line: { type: 'integer', minimum: 1 },
          },
          required: ['text'],
        },
      },
      summary: { type: 'string', description: 'Your reasoning in two or three sentences: what the change does and why this verdict.' },
    },
    required: ['verdict', 'findings'],
  },
};

export interface SubmittedReview {
  readonly verdict: ReviewVerdict;
  readonly findings: readonly ReviewFinding[];
  readonly summary?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The review, or every problem with the call (untrusted JSON from the model). */
export function parseReview(args: unknown): SubmittedReview | { readonly errors: readonly string[] } {
  const a = isRecord(args) ? args : {};
  const errors: string[] = [];
  const verdict = a.verdict;
  if (verdict !== 'approve' && verdict !== 'request-changes') errors.push(`verdict must be "approve" or "request-changes", got ${JSON.stringify(verdict)}`);
  const findings: ReviewFinding[] = [];
  if (!Array.isArray(a.findings)) errors.push(`findings must be a list of {text, file?, line?}, got ${JSON.stringify(a.findings)}`);
  else {
    for (const [i, f] of (a.findings as unknown[]).entries()) {
      if (!isRecord(f) || typeof f.text !== 'string' || f.text.trim() === '') {
        errors.push(`findings[${i}] needs a non-empty text, got ${JSON.stringify(f)}`);
        continue;
      }
      if (f.file !== undefined && (typeof f.file !== 'string' || f.file === '')) errors.push(`findings[${i}].file must be a path, got ${JSON.stringify(f.file)}`);
      if (f.line !== undefined && !(typeof f.line === 'number' && Number.isInteger(f.line) && f.line >= 1)) errors.push(`findings[${i}].line must be a line number from 1, got ${JSON.stringify(f.line)}`);
      findings.push({ text: f.text.trim(), ...(typeof f.file === 'string' && f.file !== '' ? { file: f.file } : {}), ...(typeof f.line === 'number' ? { line: f.line } : {}) });
    }
  }
  if (verdict === 'request-changes' && Array.isArray(a.findings) && a.findings.length === 0) errors.push('request-changes needs at least one finding: say what must change');
  if (a.summary !== undefined && typeof a.summary !== 'string') errors.push(`summary must be a string, got ${JSON.stringify(a.summary)}`);
  if (errors.length > 0 || (verdict !== 'approve' && verdict !== 'request-changes')) return { errors };
  return { verdict, findings, ...(typeof a.summary === 'string' && a.summary.trim() !== '' ? { summary: a.summary.trim() } : {}) };
}
