// The command line and environment of one `claude -p` run. The prompt goes on stdin and the
// system prompt through a file: no argv length limit, and neither shows up in `ps`.

import type { AttemptRequest } from './attempt-request';
import { submitToolsOf, type SubmissionEndpoint } from './mcp/submission-endpoint';

export const ORCH_TOOL_NAMES = ['mcp__orch__report_progress', 'mcp__orch__attach_evidence', 'mcp__orch__report_no_change'] as const;

/** The CLI retries once by itself: enough to tell Orch the retry-after it was given. */
export const CLI_MAX_RETRIES = '1';

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
  const args = ['-p', '--output-format', 'stream-json', '--verbose', '--include-partial-messages'];
  args.push('--model', plan.model, '--permission-mode', req.permissionMode);
  if (files.systemPromptFile !== undefined) args.push('--append-system-prompt-file', files.systemPromptFile);
  // A submission tool only for the attempt that hands one in (the planner's submit_prd).
  const orchTools = files.mcpConfig === undefined ? [] : [...ORCH_TOOL_NAMES, ...submitToolsOf(req.submissions).map((t) => `mcp__orch__${t}`)];
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

/**
 * Inside VS Code `process.execPath` is Electron: ELECTRON_RUN_AS_NODE makes it a plain Node.
 * With a submission endpoint the config holds its secret, so the runner keeps it in a private
 * file rather than on the command line.
 */
export function orchMcpConfig(nodePath: string, serverPath: string, reportFile: string, submit?: Pick<SubmissionEndpoint, 'url' | 'secret' | 'tools'>): string {
  const submitEnv = submit === undefined ? {} : { ORCH_MCP_SUBMIT_URL: submit.url, ORCH_MCP_SUBMIT_SECRET: submit.secret, ORCH_MCP_SUBMIT_TOOLS: submit.tools.join(',') };
  return JSON.stringify({
    mcpServers: {
      orch: { type: 'stdio', command: nodePath, args: [serverPath], env: { ORCH_MCP_REPORT_FILE: reportFile, ELECTRON_RUN_AS_NODE: '1', ...submitEnv } },
    },
  });
}

export function claudeEnv(req: AttemptRequest, marker: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.env)) if (v !== undefined) env[k] = v;
  env.CLAUDE_CODE_MAX_RETRIES = CLI_MAX_RETRIES;
  const [name, value] = marker.split('=') as [string, string];
  env[name] = value;
  return env;
}
