// Scenario builders for a reviewer agent: its verdict through Orch's submit_review tool.

import type { ReviewFinding, ReviewVerdict } from '../protocol/events-defects';
import { toolUseReply } from './reply';
import type { Scenario } from './scenarios';

const SUBMIT_REVIEW_TOOL = 'mcp__orch__submit_review';

export function submitReview(verdict: ReviewVerdict, findings: readonly ReviewFinding[], summary?: string): Scenario {
  return () => toolUseReply(SUBMIT_REVIEW_TOOL, { verdict, findings, ...(summary === undefined ? {} : { summary }) });
}
