import type { Activity } from '../../../src/protocol/events';

// A tool call the way a person reads it: what was written, changed, run or looked up, instead of
// its input JSON. The input is the agent's (untrusted, possibly cut) data: every field is checked
// here, and a call whose input does not have the expected shape falls back to a summary line.

export type ToolCall = Extract<Activity, { kind: 'tool-call' }>;
export type ToolResult = Extract<Activity, { kind: 'tool-result' }>;

export interface EditPair {
  readonly oldText: string;
  readonly newText: string;
  readonly replaceAll: boolean;
}

export type ToolView =
  | { readonly kind: 'write'; readonly path: string; readonly content: string; readonly language: string | undefined }
  | { readonly kind: 'edit'; readonly path: string; readonly edits: readonly EditPair[] }
  | { readonly kind: 'bash'; readonly command: string; readonly description: string | undefined; readonly background: boolean }
  | { readonly kind: 'lookup'; readonly verb: string; readonly target: string; readonly detail: string | undefined }
  | { readonly kind: 'summary'; readonly title: string; readonly detail: string | undefined };

type Input = Readonly<Record<string, unknown>>;

function record(value: unknown): Input | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Input) : undefined;
}

function text(input: Input, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
}

function editPair(value: unknown): EditPair | undefined {
  const edit = record(value);
  if (edit === undefined) return undefined;
  const oldText = text(edit, 'old_string');
  const newText = text(edit, 'new_string');
  if (oldText === undefined || newText === undefined) return undefined;
  return { oldText, newText, replaceAll: edit['replace_all'] === true };
}

const LOOKUPS: Readonly<Record<string, { readonly verb: string; readonly key: string }>> = {
  Read: { verb: 'Read', key: 'file_path' },
  Glob: { verb: 'Glob', key: 'pattern' },
  Grep: { verb: 'Grep', key: 'pattern' },
  LS: { verb: 'List', key: 'path' },
};

/** How to show a call of tool `name` with `input`. */
export function toolView(name: string, input: unknown): ToolView {
  const fields = record(input) ?? {};
  const path = text(fields, 'file_path');
  if (name === 'Write' && path !== undefined) {
    const content = text(fields, 'content');
    if (content !== undefined) return { kind: 'write', path, content, language: languageOf(path) };
  }
  if (name === 'Edit' && path !== undefined) {
    const edit = editPair(fields);
    if (edit !== undefined) return { kind: 'edit', path, edits: [edit] };
  }
  if (name === 'MultiEdit' && path !== undefined && Array.isArray(fields['edits'])) {
    const edits = fields['edits'].map(editPair);
    if (edits.length > 0 && edits.every((e) => e !== undefined)) return { kind: 'edit', path, edits };
  }
  if (name === 'Bash') {
    const command = text(fields, 'command');
    if (command !== undefined) return { kind: 'bash', command, description: text(fields, 'description'), background: fields['run_in_background'] === true };
  }
  const lookup = LOOKUPS[name];
  const target = lookup === undefined ? undefined : text(fields, lookup.key);
  if (lookup !== undefined && target !== undefined) return { kind: 'lookup', verb: lookup.verb, target, detail: lookupDetail(name, fields) };
  return { kind: 'summary', title: toolTitle(name), detail: summaryDetail(fields) };
}

function lookupDetail(name: string, input: Input): string | undefined {
  const parts: string[] = [];
  if (name === 'Read') {
    const offset = input['offset'];
    const limit = input['limit'];
    if (typeof offset === 'number') parts.push(`from line ${offset}`);
    if (typeof limit === 'number') parts.push(`${limit} lines`);
  } else {
    for (const key of ['path', 'glob', 'type', 'output_mode']) {
      const value = text(input, key);
      if (value !== undefined && !(name === 'LS' && key === 'path')) parts.push(`${key} ${value}`);
    }
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/**
 * A path as the reader knows it: relative to the task's worktree when it lies in one (agents
 * write absolute paths under `.orch/worktrees/<task>/`), else as it is.
 */
export function displayPath(path: string): string {
  const inWorktree = /[\\/]\.orch[\\/]worktrees[\\/][^\\/]+[\\/](.+)$/.exec(path);
  return inWorktree?.[1] ?? path;
}

/** `mcp__orch__report_progress` -> "orch: report progress"; built-in names stay as they are. */
export function toolTitle(name: string): string {
  const mcp = /^mcp__(.+?)__(.+)$/.exec(name);
  return mcp === null ? name : `${mcp[1]}: ${mcp[2]!.replace(/_/g, ' ')}`;
}

const DETAIL_MAX = 160;

/** The input's scalar fields as one line ("percent 40 · note tests pass"), cut to a line's length. */
export function summaryDetail(input: Input): string | undefined {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') parts.push(`${key.replace(/_/g, ' ')} ${String(value).replace(/\s+/g, ' ').trim()}`);
    else if (Array.isArray(value)) parts.push(`${key.replace(/_/g, ' ')}: ${value.length} item(s)`);
  }
  const line = parts.join(' · ');
  if (line === '') return undefined;
  return line.length > DETAIL_MAX ? `${line.slice(0, DETAIL_MAX - 1)}…` : line;
}

const LANGUAGES: Readonly<Record<string, string>> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  json: 'json', jsonc: 'json',
  css: 'css',
  html: 'xml', htm: 'xml', xml: 'xml', svg: 'xml', svelte: 'xml', vue: 'xml',
  md: 'markdown', markdown: 'markdown',
  py: 'python',
  sh: 'bash', bash: 'bash', zsh: 'bash',
  yaml: 'yaml', yml: 'yaml',
  go: 'go',
  rs: 'rust',
};

/** The highlight.js language for a file, by its extension; undefined shows it as plain text. */
export function languageOf(path: string): string | undefined {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? undefined : LANGUAGES[name.slice(dot + 1).toLowerCase()];
}

/**
 * Each call's result by tool-use id, and where each call sits, so a call shows its own result
 * and the result is not shown a second time on its own.
 */
export interface ToolPairs {
  readonly results: ReadonlyMap<string, ToolResult>;
  readonly callIndex: ReadonlyMap<string, number>;
}

export function pairToolCalls(activity: readonly Activity[]): ToolPairs {
  const results = new Map<string, ToolResult>();
  const callIndex = new Map<string, number>();
  activity.forEach((entry, index) => {
    if (entry.kind === 'tool-call' && !callIndex.has(entry.toolUseId)) callIndex.set(entry.toolUseId, index);
    else if (entry.kind === 'tool-result' && callIndex.has(entry.toolUseId) && !results.has(entry.toolUseId)) results.set(entry.toolUseId, entry);
  });
  return { results, callIndex };
}

/** A result shown inside its call's entry: the call came first and is on the page (at or after `from`). */
export function shownWithCall(pairs: ToolPairs, entry: Activity, from: number): boolean {
  if (entry.kind !== 'tool-result' || pairs.results.get(entry.toolUseId) !== entry) return false;
  return (pairs.callIndex.get(entry.toolUseId) ?? -1) >= from;
}

/**
 * A Bash result's exit status: Claude Code starts a failed command's output with "Exit code N";
 * a result that is not an error exited 0. Undefined when the output does not say.
 */
export function exitStatus(result: ToolResult): number | undefined {
  const code = EXIT_LINE.exec(result.text)?.[1];
  if (code !== undefined) return Number(code);
  return result.isError ? undefined : 0;
}

const EXIT_LINE = /^(?:Error: )?Exit code (\d+)(?:\n|$)/;

/** A Bash result's output without the "Exit code N" line the status already shows. */
export function commandOutput(result: ToolResult): string {
  return result.text.replace(EXIT_LINE, '');
}
