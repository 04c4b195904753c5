import type { Provider } from '../../protocol/domain';
import type { AgentDefinition, AgentIssue } from './agent-types';
import { closestMatch } from './closest-match';
import { parseAgentFrontmatter, type FrontEntry, type FrontValue } from './frontmatter';
import { isKnownTool, splitToolList, unknownToolHint } from './known-tools';

/** What one file says, before precedence decides where it stands. */
export type AgentFields = Omit<AgentDefinition, 'source' | 'origin' | 'overrides'>;

export type ParsedAgentFile =
  | { readonly ok: true; readonly agent: AgentFields; readonly nameLine: number; readonly warnings: readonly AgentIssue[] }
  | { readonly ok: false; readonly issues: readonly AgentIssue[] };

const ORCH_KEYS = new Set(['name', 'description', 'tools', 'model', 'provider', 'team', 'phases', 'maxParallel', 'budgetUsd']);
const OPENAI_MODEL = /^(gpt-|chatgpt-|o[1-9](-|$)|text-|davinci|babbage)/i;
const CLAUDE_ALIAS = /^(opus|sonnet|haiku|inherit|default|opusplan)(\[1m\])?$/i;
// Claude Code (2.1.197, measured with the real CLI) loads a name of any length, 20,000 characters
// included. Orch does not: tasks name their agent by it, and every table and view shows it.
const MAX_NAME_LENGTH = 64;

/**
 * Reads a Claude Code sub-agent file plus Orch's keys; every problem comes with its line and a hint.
 * A file is refused only for what makes Claude Code refuse it, for a bad value of one of Orch's
 * own keys outside Claude Code's folders, or for what no reader should take in (YAML nested too
 * deep or an alias bomb, a name over MAX_NAME_LENGTH). Measured with CLI 2.1.197 (its `system/init` agents list
 * and the agent listing it sends the model): it refuses no frontmatter (BOM, blank first line,
 * `----` opening), YAML it cannot read even after its repair (an indented `user: "x"` line under
 * a description, `model2: a: b`), a name or description that is not text (`42`, `true`, `1e3`, a
 * list), and a name starting with `-`. It loads names with spaces or emoji as written, unknown
 * tool names (its listing keeps them), `tools` that is not a list (all tools), repeated keys (the
 * last wins) and a literal `\n` in a description (a line break). What it reads past is a warning.
 */
export function parseAgentFile(
  text: string,
  file: string,
  phases: readonly string[],
  options: {
    readonly dropUnknownPhases?: boolean;
    /**
     * The file is in one of Claude Code's folders (`.claude/agents`, `~/.claude/agents`): it loads
     * whenever Claude Code loads it, and a bad value of a key Orch adds (phases, provider, team...)
     * is a warning and ignored, since such a file may use those words in its own way.
     */
    readonly claudeFolder?: boolean;
  } = {},
): ParsedAgentFile {
  const front = parseAgentFrontmatter(text);
  if ('line' in front) return { ok: false, issues: [{ file, ...front }] };
  const issues: AgentIssue[] = [];
  const warnings: AgentIssue[] = [];
  const report = (line: number, message: string, hint: string): void => void issues.push({ file, line, message, hint });
  const warn = (line: number, message: string, hint: string): void => void warnings.push({ file, line, message, hint });
  warnRepeatedKeys(front.entries, warn);
  const orchReport: Report = options.claudeFolder === true ? (line, message, hint) => warn(line, `${message}; ignored`, hint) : report;

  const entries = new Map(front.entries.map((entry) => [entry.key, entry]));
  const lineOfKey = (key: string): number => entries.get(key)?.keyLine ?? 1;
  const valueOf = (key: string): FrontValue | undefined => {
    const value = entries.get(key)?.value;
    return value === undefined || (value.kind === 'scalar' && value.value === null) ? undefined : value;
  };
  const stringValue = (key: string): string | undefined => {
    const value = valueOf(key);
    if (value === undefined) return undefined;
    if (value.kind === 'scalar' && (typeof value.value === 'string' || typeof value.value === 'number')) return String(value.value).trim();
    orchReport(lineOfKey(key), `${key} must be a single value, got ${describe(value)}`, `write ${key}: followed by text on the same line`);
    return undefined;
  };

  // Claude Code takes the name exactly as written, spaces and capitals included ("Code Reviewer"),
  // and so does Orch: a task's `agent:` names it the same way.
  const name = textValue(valueOf('name'), 'name', lineOfKey('name'), report, `add a line name: ${fileStem(file)}`);
  if (name?.startsWith('-') === true) report(lineOfKey('name'), `invalid name '${name}'`, 'a name must not start with "-" (Claude Code refuses it)');
  if (name !== undefined && name.length > MAX_NAME_LENGTH) {
    report(lineOfKey('name'), `the name is ${name.length} characters long; Orch reads agent names of up to ${MAX_NAME_LENGTH}`, 'shorten it: tasks name their agent by it, and tables show it');
  }
  // Claude Code turns a written `\n` into a line break: one-line descriptions carry their examples that way.
  const description = textValue(valueOf('description'), 'description', lineOfKey('description'), report, 'add description: one sentence saying when to use this agent')
    ?.replaceAll('\\n', '\n')
    .trim();

  const provider = readProvider(stringValue('provider'), lineOfKey('provider'), orchReport);
  const model = readModel(stringValue('model'), provider, lineOfKey('model'), orchReport);
  const tools = readTools(valueOf('tools'), lineOfKey('tools'), warn);
  const agentPhases = readPhases(valueOf('phases'), lineOfKey('phases'), phases, options.dropUnknownPhases === true ? () => undefined : orchReport, options.dropUnknownPhases === true || options.claudeFolder === true);
  const team = stringValue('team');
  if (entries.has('team') && team === '') orchReport(lineOfKey('team'), 'empty team', 'write team: <team name> or remove the key');
  const maxParallel = readNumber(valueOf('maxParallel'), 'maxParallel', lineOfKey('maxParallel'), orchReport, (n) => Number.isInteger(n) && n >= 1, 'a whole number of 1 or more, e.g. maxParallel: 2');
  const budgetUsd = readNumber(valueOf('budgetUsd'), 'budgetUsd', lineOfKey('budgetUsd'), orchReport, (n) => n > 0, 'a number of dollars above 0, e.g. budgetUsd: 5');

  if (issues.length > 0 || name === undefined || description === undefined) return { ok: false, issues };
  const extra: Record<string, unknown> = {};
  for (const entry of front.entries) if (!ORCH_KEYS.has(entry.key)) extra[entry.key] = entry.data;
  const agent: AgentFields = {
    name,
    description,
    prompt: front.body,
    tools,
    model,
    provider,
    team: team === '' ? undefined : team,
    phases: agentPhases,
    maxParallel,
    budgetUsd,
    extra: deepFreeze(extra),
  };
  return { ok: true, agent, nameLine: lineOfKey('name'), warnings };
}

type Report = (line: number, message: string, hint: string) => void;

/** Name and description: Claude Code skips the agent unless each is non-empty text (`42`, `true` or a list are not). */
function textValue(value: FrontValue | undefined, key: string, line: number, report: Report, missingHint: string): string | undefined {
  if (value === undefined || (value.kind === 'scalar' && value.value === '')) {
    report(line, `missing ${key}`, missingHint);
    return undefined;
  }
  if (value.kind === 'scalar' && typeof value.value === 'string') return value.value;
  const shown = describe(value);
  report(line, `${key} must be text, got ${shown}`, value.kind === 'scalar' ? `quote it: ${key}: "${String(value.value)}" (Claude Code skips the agent otherwise)` : `write ${key}: followed by text on the same line`);
  return undefined;
}

/** Only keys Orch reads: `user:`/`assistant:` lines repeated under a description are its examples spilling over. */
function warnRepeatedKeys(entries: readonly FrontEntry[], warn: Report): void {
  const first = new Map<string, number>();
  for (const entry of entries) {
    if (!ORCH_KEYS.has(entry.key)) continue;
    const line = first.get(entry.key);
    if (line === undefined) first.set(entry.key, entry.keyLine);
    else warn(entry.keyLine, `${entry.key} is given twice (first at line ${line}); the last one counts, as in Claude Code`, `remove one of the two ${entry.key} lines`);
  }
}

function readProvider(value: string | undefined, line: number, report: Report): Provider {
  if (value === undefined || value === 'claude') return 'claude';
  if (value === 'openai') return 'openai';
  report(line, `unknown provider '${value}'`, 'use provider: claude (the default) or provider: openai');
  return 'claude';
}

function readModel(value: string | undefined, provider: Provider, line: number, report: Report): string {
  if (provider === 'openai') {
    if (value === undefined || value === '') {
      report(line, 'provider openai needs a model', 'add model: with an OpenAI model id, e.g. model: gpt-4.1');
      return '';
    }
    if (CLAUDE_ALIAS.test(value) || /claude/i.test(value)) {
      report(line, `model '${value}' is a Claude model but provider is openai`, 'use an OpenAI model id such as gpt-4.1, or remove provider: openai');
    }
    return value;
  }
  if (value === undefined || value === '') return 'inherit';
  if (OPENAI_MODEL.test(value)) {
    report(line, `model '${value}' is an OpenAI model but provider is claude`, 'add provider: openai, or use opus, sonnet, haiku or inherit');
  }
  return value;
}

/** Claude Code ignores tool names it does not know and gives every tool when `tools` is not a list: so do we, with a warning. */
function readTools(value: FrontValue | undefined, keyLine: number, warn: Report): string[] | undefined {
  if (value === undefined) return undefined;
  const entries: { text: string; line: number }[] = [];
  if (value.kind === 'scalar' && typeof value.value === 'string') {
    for (const text of splitToolList(value.value)) entries.push({ text, line: value.line });
  } else if (value.kind === 'list') {
    for (const item of value.items) {
      if (item.kind === 'scalar' && typeof item.value === 'string') entries.push({ text: item.value.trim(), line: item.line });
      else warn(item.line, `a tools entry must be a tool name, got ${describe(item)}; it is ignored`, 'write each tool as a name, e.g. - Read');
    }
  } else {
    warn(keyLine, `tools must be a list of tool names, got ${describe(value)}; the agent gets every tool`, 'write tools: Read, Grep, Glob or a YAML list');
    return undefined;
  }
  for (const entry of entries) {
    if (!isKnownTool(entry.text)) warn(entry.line, `unknown tool '${entry.text}' (Claude Code ignores it)`, unknownToolHint(entry.text));
  }
  return entries.map((entry) => entry.text);
}

function readPhases(
  value: FrontValue | undefined,
  keyLine: number,
  known: readonly string[],
  report: Report,
  /** Phases the workflow does not have are left out rather than kept for the error. */
  dropUnknown: boolean,
): string[] {
  if (value === undefined) return [];
  const entries: { text: string; line: number }[] = [];
  if (value.kind === 'scalar' && typeof value.value === 'string') {
    for (const text of value.value.split(',')) if (text.trim() !== '') entries.push({ text: text.trim(), line: value.line });
  } else if (value.kind === 'list') {
    for (const item of value.items) {
      if (item.kind === 'scalar' && typeof item.value === 'string') entries.push({ text: item.value.trim(), line: item.line });
      else report(item.line, `a phases entry must be a phase name, got ${describe(item)}`, `use one of: ${known.join(', ')}`);
    }
  } else {
    report(keyLine, `phases must be a list of phase names, got ${describe(value)}`, `write phases: [${known[0] ?? 'implementation'}]`);
  }
  for (const entry of entries) {
    if (known.includes(entry.text)) continue;
    const near = closestMatch(entry.text, known);
    report(entry.line, `unknown phase '${entry.text}'`, near === undefined ? `use one of: ${known.join(', ')}` : `did you mean '${near}'?`);
  }
  return entries.map((entry) => entry.text).filter((phase) => !dropUnknown || known.includes(phase));
}

function readNumber(
  value: FrontValue | undefined,
  key: string,
  line: number,
  report: Report,
  valid: (n: number) => boolean,
  expected: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (value.kind === 'scalar' && typeof value.value === 'number' && valid(value.value)) return value.value;
  report(line, `invalid ${key} ${describe(value)}`, `expected ${expected}`);
  return undefined;
}

function describe(value: FrontValue): string {
  if (value.kind === 'map') return 'a mapping';
  if (value.kind === 'list') return 'a list';
  return JSON.stringify(value.value);
}

function fileStem(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.md$/i, '');
}

function deepFreeze<T>(value: T): T {
  // `!!binary` reads as a Uint8Array, which cannot be frozen (Object.freeze throws on it).
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as object)) deepFreeze(inner);
  }
  return value;
}
