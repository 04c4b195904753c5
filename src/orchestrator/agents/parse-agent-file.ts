import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Provider } from '../../protocol/domain';
import type { AgentDefinition, AgentIssue } from './agent-types';
import { closestMatch } from './closest-match';
import { parseFrontmatter } from './frontmatter';
import { isKnownTool, splitToolList, unknownToolHint } from './known-tools';

/** What one file says, before precedence decides where it stands. */
export type AgentFields = Omit<AgentDefinition, 'source' | 'origin' | 'overrides'>;

export type ParsedAgentFile =
  | { readonly ok: true; readonly agent: AgentFields; readonly nameLine: number }
  | { readonly ok: false; readonly issues: readonly AgentIssue[] };

const ORCH_KEYS = new Set(['name', 'description', 'tools', 'model', 'provider', 'team', 'phases', 'maxParallel', 'budgetUsd']);
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const OPENAI_MODEL = /^(gpt-|chatgpt-|o[1-9](-|$)|text-|davinci|babbage)/i;
const CLAUDE_ALIAS = /^(opus|sonnet|haiku|inherit|default|opusplan)(\[1m\])?$/i;

/** Reads a Claude Code sub-agent file plus Orch's keys; every problem comes with its line and a hint. */
export function parseAgentFile(
  text: string,
  file: string,
  phases: readonly string[],
  options: { readonly dropUnknownPhases?: boolean } = {},
): ParsedAgentFile {
  const front = parseFrontmatter(text);
  if ('line' in front) return { ok: false, issues: [{ file, ...front }] };
  const issues: AgentIssue[] = [];
  const report = (line: number, message: string, hint: string): void => void issues.push({ file, line, message, hint });
  const contents = front.doc.contents;
  if (!isMap(contents)) {
    report(contents === null ? 1 : lineOf(contents, front.lineAt), 'the frontmatter must be a list of key: value lines', 'write name: and description: keys between the --- lines');
    return { ok: false, issues };
  }

  const pairs = new Map<string, Pair>();
  for (const pair of contents.items) {
    if (isScalar(pair.key) && typeof pair.key.value === 'string') pairs.set(pair.key.value, pair);
    else report(lineOf(pair.key, front.lineAt), 'a frontmatter key must be a plain name', 'write keys as name: value');
  }
  const lineOfKey = (key: string): number => lineOf(pairs.get(key)?.key, front.lineAt);
  const valueNode = (key: string): Node | undefined => asNode(pairs.get(key)?.value);
  const stringValue = (key: string): string | undefined => {
    const node = valueNode(key);
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value).trim();
    report(lineOfKey(key), `${key} must be a single value, got ${describe(node)}`, `write ${key}: followed by text on the same line`);
    return undefined;
  };

  const name = stringValue('name');
  if (name === undefined || name === '') {
    report(pairs.has('name') ? lineOfKey('name') : 1, 'missing name', `add a line name: ${fileStem(file)}`);
  } else if (!NAME.test(name)) {
    report(lineOfKey('name'), `invalid name '${name}'`, 'use lowercase letters, digits and hyphens, e.g. backend-engineer');
  }
  const description = stringValue('description');
  if (description === undefined || description === '') {
    report(pairs.has('description') ? lineOfKey('description') : 1, 'missing description', 'add description: one sentence saying when to use this agent');
  }

  const provider = readProvider(stringValue('provider'), lineOfKey('provider'), report);
  const model = readModel(stringValue('model'), provider, lineOfKey('model'), pairs.has('model') ? lineOfKey('model') : 1, report);
  const tools = readTools(valueNode('tools'), lineOfKey('tools'), front.lineAt, report);
  const agentPhases = readPhases(valueNode('phases'), lineOfKey('phases'), front.lineAt, phases, options.dropUnknownPhases === true ? undefined : report);
  const team = stringValue('team');
  if (pairs.has('team') && team === '') report(lineOfKey('team'), 'empty team', 'write team: <team name> or remove the key');
  const maxParallel = readNumber(valueNode('maxParallel'), 'maxParallel', lineOfKey('maxParallel'), report, (n) => Number.isInteger(n) && n >= 1, 'a whole number of 1 or more, e.g. maxParallel: 2');
  const budgetUsd = readNumber(valueNode('budgetUsd'), 'budgetUsd', lineOfKey('budgetUsd'), report, (n) => n > 0, 'a number of dollars above 0, e.g. budgetUsd: 5');

  if (issues.length > 0 || name === undefined || description === undefined) return { ok: false, issues };
  const data = front.doc.toJS() as Record<string, unknown>;
  const extra: Record<string, unknown> = {};
  for (const key of pairs.keys()) if (!ORCH_KEYS.has(key)) extra[key] = data[key];
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
  return { ok: true, agent, nameLine: lineOfKey('name') };
}

type Report = (line: number, message: string, hint: string) => void;

function readProvider(value: string | undefined, line: number, report: Report): Provider {
  if (value === undefined || value === 'claude') return 'claude';
  if (value === 'openai') return 'openai';
  report(line, `unknown provider '${value}'`, 'use provider: claude (the default) or provider: openai');
  return 'claude';
}

function readModel(value: string | undefined, provider: Provider, line: number, missingLine: number, report: Report): string {
  if (provider === 'openai') {
    if (value === undefined || value === '') {
      report(missingLine, 'provider openai needs a model', 'add model: with an OpenAI model id, e.g. model: gpt-4.1');
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

function readTools(node: Node | undefined, keyLine: number, lineAt: (offset: number) => number, report: Report): string[] | undefined {
  if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
  const entries: { text: string; line: number }[] = [];
  if (isScalar(node) && typeof node.value === 'string') {
    for (const text of splitToolList(node.value)) entries.push({ text, line: lineOf(node, lineAt) });
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const itemNode = asNode(item);
      if (isScalar(itemNode) && typeof itemNode.value === 'string') entries.push({ text: itemNode.value.trim(), line: lineOf(itemNode, lineAt) });
      else report(lineOf(itemNode, lineAt) || keyLine, `a tools entry must be a tool name, got ${describe(itemNode)}`, 'write each tool as a name, e.g. - Read');
    }
  } else {
    report(keyLine, `tools must be a list of tool names, got ${describe(node)}`, 'write tools: Read, Grep, Glob or a YAML list');
    return undefined;
  }
  for (const entry of entries) {
    if (!isKnownTool(entry.text)) report(entry.line, `unknown tool '${entry.text}'`, unknownToolHint(entry.text));
  }
  return entries.map((entry) => entry.text);
}

function readPhases(
  node: Node | undefined,
  keyLine: number,
  lineAt: (offset: number) => number,
  known: readonly string[],
  /** Undefined: phases the workflow does not have are dropped instead of reported. */
  reportUnknown: Report | undefined,
): string[] {
  const report: Report = reportUnknown ?? (() => undefined);
  if (node === undefined || (isScalar(node) && node.value === null)) return [];
  const entries: { text: string; line: number }[] = [];
  if (isScalar(node) && typeof node.value === 'string') {
    for (const text of node.value.split(',')) if (text.trim() !== '') entries.push({ text: text.trim(), line: lineOf(node, lineAt) });
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const itemNode = asNode(item);
      if (isScalar(itemNode) && typeof itemNode.value === 'string') entries.push({ text: itemNode.value.trim(), line: lineOf(itemNode, lineAt) });
      else report(lineOf(itemNode, lineAt) || keyLine, `a phases entry must be a phase name, got ${describe(itemNode)}`, `use one of: ${known.join(', ')}`);
    }
  } else {
    report(keyLine, `phases must be a list of phase names, got ${describe(node)}`, `write phases: [${known[0] ?? 'implementation'}]`);
  }
  for (const entry of entries) {
    if (known.includes(entry.text)) continue;
    const near = closestMatch(entry.text, known);
    report(entry.line, `unknown phase '${entry.text}'`, near === undefined ? `use one of: ${known.join(', ')}` : `did you mean '${near}'?`);
  }
  return entries.map((entry) => entry.text).filter((phase) => reportUnknown !== undefined || known.includes(phase));
}

function readNumber(
  node: Node | undefined,
  key: string,
  line: number,
  report: Report,
  valid: (n: number) => boolean,
  expected: string,
): number | undefined {
  if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
  if (isScalar(node) && typeof node.value === 'number' && valid(node.value)) return node.value;
  const shown = isScalar(node) ? JSON.stringify(node.value) : describe(node);
  report(line, `invalid ${key} ${shown}`, `expected ${expected}`);
  return undefined;
}

function asNode(value: unknown): Node | undefined {
  return value === null || value === undefined ? undefined : (value as Node);
}

function lineOf(node: unknown, lineAt: (offset: number) => number): number {
  const range = (node as { range?: readonly number[] } | null | undefined)?.range;
  return range?.[0] === undefined ? 0 : lineAt(range[0]);
}

function describe(node: Node | undefined): string {
  if (node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  return isScalar(node) ? JSON.stringify(node.value) : 'an unexpected value';
}

function fileStem(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.md$/i, '');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as object)) deepFreeze(inner);
  }
  return value;
}
