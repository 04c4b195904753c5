// Scenario builders for Orch's own MCP tools: the planner handing in its PRD through
// submit_prd, an agent reporting that no change is needed, and reading what Orch answered.

import { toolUseReply } from './reply';
import type { Scenario } from './scenarios';
import type { ScriptedRequest } from './scripted-request';

export const SUBMIT_PRD_TOOL = 'mcp__orch__submit_prd';
export const REPORT_NO_CHANGE_TOOL = 'mcp__orch__report_no_change';

/** Calls submit_prd with `prd` as its arguments, optionally with prose before it in the same turn. */
export function submitPrd(prd: Readonly<Record<string, unknown>>, text?: string): Scenario {
  return () => toolUseReply(SUBMIT_PRD_TOOL, prd, text === undefined ? {} : { text });
}

export function reportNoChange(reason: string): Scenario {
  return () => toolUseReply(REPORT_NO_CHANGE_TOOL, { reason });
}

/** The text of every tool result the request carries for calls of `toolName`, oldest first. */
export function toolResultsFor(request: ScriptedRequest, toolName: string): { readonly text: string; readonly isError: boolean }[] {
  const ids = new Set(request.messages.flatMap((m) => m.toolUses.filter((u) => u.name === toolName).map((u) => u.id)));
  return request.messages.flatMap((m) => m.toolResults.filter((r) => ids.has(r.toolUseId)).map((r) => ({ text: r.text, isError: r.isError })));
}
