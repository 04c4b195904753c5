import { closestMatch } from './closest-match';

// Claude Code's built-in tool names as agent files spell them (code.claude.com/docs/en/tools-reference),
// plus names that older releases used and users' files still carry (LS, MultiEdit, Task, ...).
const CLAUDE_CODE_TOOLS: readonly string[] = [
  'Agent', 'Artifact', 'AskUserQuestion', 'Bash', 'BashOutput', 'CronCreate', 'CronDelete', 'CronList',
  'Edit', 'EnterPlanMode', 'EnterWorktree', 'ExitPlanMode', 'ExitWorktree', 'Glob', 'Grep', 'KillBash',
  'KillShell', 'ListMcpResourcesTool', 'LS', 'LSP', 'Monitor', 'MultiEdit', 'NotebookEdit', 'NotebookRead',
  'PowerShell', 'PushNotification', 'Read', 'ReadMcpResourceTool', 'RemoteTrigger', 'ScheduleWakeup',
  'SendMessage', 'Skill', 'SlashCommand', 'Task', 'TaskCreate', 'TaskGet', 'TaskList', 'TaskOutput',
  'TaskStop', 'TaskUpdate', 'TeamCreate', 'TeamDelete', 'TodoRead', 'TodoWrite', 'ToolSearch', 'WebFetch',
  'WebSearch', 'Workflow', 'Write',
];

const KNOWN = new Set(CLAUDE_CODE_TOOLS);
// MCP tools are named mcp__<server> or mcp__<server>__<tool>.
const MCP_TOOL = /^mcp__[\w.-]+$/;

/** The tool name without a permission specifier: `Bash(git diff:*)` is the tool `Bash`. */
function toolBaseName(entry: string): string {
  const paren = entry.indexOf('(');
  return (paren === -1 ? entry : entry.slice(0, paren)).trim();
}

export function isKnownTool(entry: string): boolean {
  const name = toolBaseName(entry);
  return KNOWN.has(name) || MCP_TOOL.test(name);
}

/** One line saying what to write instead of an unknown tool name. */
export function unknownToolHint(entry: string): string {
  const near = closestMatch(toolBaseName(entry), CLAUDE_CODE_TOOLS);
  return near === undefined
    ? 'use a Claude Code tool name such as Read, Write, Edit, Bash, Glob, Grep, WebFetch, or an MCP tool mcp__<server>__<tool>'
    : `did you mean '${near}'?`;
}

/** Splits `Read, Bash(git diff:*, git log:*)` on the commas outside parentheses. */
export function splitToolList(text: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) {
      entries.push(text.slice(start, i));
      start = i + 1;
    }
  }
  entries.push(text.slice(start));
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}
