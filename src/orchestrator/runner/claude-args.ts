// The command line and environment of one `claude -p` run. The prompt goes on stdin and the
// system prompt through a file: no argv length limit, and neither shows up in `ps`.

import type { AttemptRequest } from './attempt-request';
import type { ToolSession } from './mcp/orch-tool-server';
import { submitToolsOf } from './mcp/submission-endpoint';
import { MESSAGE_TOOL_NAMES } from './mcp/message-tools';

const ORCH_TOOL_NAMES = ['mcp__orch__report_progress', 'mcp__orch__attach_evidence', 'mcp__orch__report_no_change'] as const;

/** The CLI retries once by itself: enough to tell Orch the retry-after it was given. */
const CLI_MAX_RETRIES = '1';

export interface InvocationFiles {
  readonly systemPromptFile?: string;
  /** The `--mcp-config` JSON for Orch's tools, when they are on. */
  readonly mcpConfig?: string;
}

export interface InvocationPlan {
  readonly model: string;
  /** A fresh session gets an id chosen by Orch, so it is known even if the CLI dies early. */
  readonly sessionId?: string;
  readonly resumeSessionId?: string;
  readonly maxBudgetUsd?: number;
}

export function claudeArgs(req: AttemptRequest, plan: InvocationPlan, files: InvocationFiles): string[] {
  // The prompt as a stream-json user message: a CLI started ahead takes it at once (measured
  // write to init 65-127 ms, against 195-323 ms for a plain-text prompt and its end of input).
  const args = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--include-partial-messages'];
  // Live delivery (live-delivery.ts) learns from the echo that the CLI took a message.
  if (req.messaging !== undefined) args.push('--replay-user-messages');
  args.push('--model', plan.model, '--permission-mode', req.permissionMode);
  if (files.systemPromptFile !== undefined) args.push('--append-system-prompt-file', files.systemPromptFile);
  // A submission tool only for the attempt that hands one in (the planner's submit_prd).
  const orchTools = files.mcpConfig === undefined ? [] : [...ORCH_TOOL_NAMES, ...submitToolsOf(req.submissions).map((t) => `mcp__orch__${t}`), ...(req.messaging === undefined ? [] : MESSAGE_TOOL_NAMES.map((t) => `mcp__orch__${t}`))];
  const allowed = [...req.allowedTools, ...orchTools];
  if (allowed.length > 0) args.push('--allowedTools', ...allowed);
  if (req.disallowedTools !== undefined && req.disallowedTools.length > 0) args.push('--disallowedTools', ...req.disallowedTools);
  if (files.mcpConfig !== undefined) args.push('--mcp-config', files.mcpConfig);
  if (plan.maxBudgetUsd !== undefined) args.push('--max-budget-usd', String(plan.maxBudgetUsd));
  if (req.maxTurns !== undefined) args.push('--max-turns', String(req.maxTurns));
  if (plan.resumeSessionId !== undefined) args.push('--resume', plan.resumeSessionId);
  else if (plan.sessionId !== undefined) args.push('--session-id', plan.sessionId);
  return args;
}

/** A user message as one line of stream-json input: the prompt, then any message delivered live. */
export function promptLine(prompt: string): string {
  return `${JSON.stringify({ type: 'user', message: { role: 'user', content: prompt } })}\n`;
}

/**
 * Orch's tools over HTTP from the Orch process. The config holds the attempt's secret, so the
 * runner keeps it in a private file rather than on the command line.
 */
export function orchMcpConfig(session: Pick<ToolSession, 'url' | 'headers'>): string {
  return JSON.stringify({ mcpServers: { orch: { type: 'http', url: session.url, headers: session.headers } } });
}

export function claudeEnv(req: AttemptRequest, marker: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.env)) if (v !== undefined) env[k] = v;
  env.CLAUDE_CODE_MAX_RETRIES = CLI_MAX_RETRIES;
  // The CLI gives up on an MCP tool call after 60 s by default, so an ask_person waiting for the
  // person timed out and the agent asked again. The attempt's own timeout bounds the wait instead,
  // unless the user set one.
  env.MCP_TOOL_TIMEOUT ??= String(req.timeoutSec * 1000);
  const [name, value] = marker.split('=') as [string, string];
  env[name] = value;
  return env;
}
