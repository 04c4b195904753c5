import { isMap, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import { parseBoundedDocument, type YamlLimitExceeded } from '../security/bounded-yaml';
import { parseSimpleYaml } from './simple-yaml';

/** A frontmatter value with the file line it starts on. */
export type FrontValue =
  | { readonly kind: 'scalar'; readonly value: string | number | boolean | null; readonly line: number }
  | { readonly kind: 'list'; readonly items: readonly FrontValue[]; readonly line: number }
  | { readonly kind: 'map'; readonly line: number };

export interface FrontEntry {
  readonly key: string;
  readonly keyLine: number;
  readonly value: FrontValue;
  /** The value as plain data, for keys kept as written. */
  readonly data: unknown;
}

export interface AgentFrontmatter {
  readonly entries: readonly FrontEntry[];
  readonly body: string;
}

export interface FrontmatterError {
  readonly line: number;
  readonly message: string;
  readonly hint: string;
}

// Agent files are Claude Code's format, so they are split exactly as Claude Code splits them (PRDs,
// Orch's own format, follow YAML's rules instead: plan/prd-frontmatter.ts).
// Claude Code (2.1.197: read from its bundle, then measured with the real CLI's `system/init`
// agents list) finds frontmatter with /^---\s*\n([\s\S]*?)---\s*\n?/. So the YAML ends at the
// first `---` anywhere: `----` or `--- end` closes it, and so does a `---` inside a value. A
// byte-order mark or a blank line before the opening fence means no frontmatter at all.
const CLAUDE_FRONTMATTER = /^---\s*\n([\s\S]*?)---\s*\n?/;
const OPENING = /^---\s*\n/;
/** Where the YAML starts when the opening fence is one line. */
const FIRST_LINE = 2;

/**
 * Splits `---\nyaml\n---\nbody` and reads the YAML as Claude Code does. Most agent files are flat
 * `key: value` lines, read by a small exact parser (parsing 1,000 files with the full YAML library
 * takes longer than the whole discovery budget); anything else goes through the `yaml` package.
 */
export function parseAgentFrontmatter(text: string): AgentFrontmatter | FrontmatterError {
  const match = CLAUDE_FRONTMATTER.exec(text);
  if (match === null) return noFrontmatter(text);
  const yamlText = match[1] ?? '';
  const firstLine = 1 + countNewlines(OPENING.exec(text)?.[0] ?? '');
  const body = text.slice(match[0].length).trim();
  // YAML reads CR LF as one line break; the fast reader wants lines without the CR.
  const simple = parseSimpleYaml(yamlText.split('\n').map((line) => line.replace(/\r$/, '')), firstLine);
  if (simple !== undefined) return { entries: simple, body };
  return parseWithLibrary(yamlText, body, firstLine);
}

function noFrontmatter(text: string): FrontmatterError {
  if (text.startsWith('\uFEFF')) {
    return {
      line: 1,
      message: 'the file starts with a byte-order mark, so Claude Code finds no frontmatter in it',
      hint: 'save the file as UTF-8 without a BOM',
    };
  }
  if (OPENING.test(text)) return { line: 1, message: 'the frontmatter opened on line 1 is never closed', hint: 'add a --- line after the last frontmatter key' };
  const first = /^\s*\n---/.test(text);
  return first
    ? { line: 1, message: 'the frontmatter does not start on line 1', hint: 'remove the blank lines above the opening ---: Claude Code reads frontmatter only at the very top' }
    : {
        line: 1,
        message: 'no YAML frontmatter: the file must start with a --- line',
        hint: 'start the file with ---, then name: and description:, then --- and the system prompt',
      };
}

/** The same result through the `yaml` package alone (exported so tests can hold the fast path to it). */
export function parseWithLibrary(yamlText: string, body = '', firstLine = FIRST_LINE): AgentFrontmatter | FrontmatterError {
  const parsed = parseYaml(yamlText);
  // Too deep or an alias bomb: refused as it stands, since the repair below would not change that.
  if ('exceeded' in parsed) return limitError(parsed, firstLine);
  const firstError = parsed.doc.errors[0];
  if (firstError === undefined) return toFrontmatter(parsed, body, firstLine);
  // What Claude Code does when its YAML parse fails: quote `key: value` lines whose value holds a
  // YAML indicator (`description: Use when: x`), turn leading tabs into spaces, and try once more.
  const retried = parseYaml(claudeCodeRepair(yamlText));
  if ('exceeded' in retried) return limitError(retried, firstLine);
  if (retried.doc.errors.length === 0) return toFrontmatter(retried, body, firstLine);
  return {
    line: (firstError.linePos?.[0].line ?? 1) + firstLine - 1,
    message: `malformed YAML frontmatter: ${firstMessageLine(firstError.message)}`,
    hint: 'Claude Code does not load this file either: quote values that span lines or contain ": ", and close every [ and {',
  };
}

function limitError({ exceeded, counter }: { exceeded: YamlLimitExceeded; counter: LineCounter }, firstLine: number): FrontmatterError {
  return { line: counter.linePos(exceeded.offset).line + firstLine - 1, message: exceeded.message, hint: exceeded.hint };
}

function toFrontmatter({ doc, counter }: { doc: Document; counter: LineCounter }, body: string, firstLine: number): AgentFrontmatter | FrontmatterError {
  const lineOf = (node: unknown): number => {
    const start = (node as { range?: readonly number[] } | null | undefined)?.range?.[0];
    return start === undefined ? 1 : counter.linePos(start).line + firstLine - 1;
  };
  const contents = doc.contents;
  if (contents === null) return { entries: [], body };
  if (!isMap(contents)) {
    return { line: lineOf(contents), message: 'the frontmatter must be a list of key: value lines', hint: 'write name: and description: keys between the --- lines' };
  }
  const entries: FrontEntry[] = [];
  const data = doc.toJS() as Record<string, unknown>;
  for (const pair of contents.items) {
    // Claude Code reads the YAML into a plain object, so `1: x` is the key "1".
    if (!isScalar(pair.key)) {
      return { line: lineOf(pair.key), message: 'a frontmatter key must be a plain name', hint: 'write keys as name: value' };
    }
    const key = String(pair.key.value);
    const valueNode = (pair.value ?? null) as Node | null;
    const keyLine = lineOf(pair.key);
    entries.push({
      key,
      keyLine,
      value: valueNode === null ? { kind: 'scalar', value: null, line: keyLine } : toValue(valueNode, lineOf),
      data: data[key] ?? null,
    });
  }
  return { entries, body };
}

function toValue(node: Node, lineOf: (node: unknown) => number): FrontValue {
  if (isSeq(node)) return { kind: 'list', items: node.items.map((item) => toValue(item as Node, lineOf)), line: lineOf(node) };
  if (isScalar(node)) {
    const value = node.value;
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- YAML's other scalars (dates, big integers) print as written.
    const plain = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : String(value);
    return { kind: 'scalar', value: plain, line: lineOf(node) };
  }
  return { kind: 'map', line: lineOf(node) };
}

function parseYaml(text: string): { doc: Document; counter: LineCounter } | { exceeded: YamlLimitExceeded; counter: LineCounter } {
  const counter = new LineCounter();
  const parsed = parseBoundedDocument(text, { lineCounter: counter, uniqueKeys: false });
  return parsed.ok ? { doc: parsed.doc, counter } : { exceeded: parsed.exceeded, counter };
}

// Claude Code's own repair, kept as it is (a key with a digit is not repaired, a CR LF line is not
// either): the point is to load exactly the files it loads.
const REPAIRABLE_LINE = /^([a-zA-Z_-]+):\s+(.+)$/;
const YAML_INDICATOR = /[{}[\]*&#!|>%@`]|: /;

function claudeCodeRepair(yamlText: string): string {
  return yamlText
    .split('\n')
    .map((line) => {
      const match = REPAIRABLE_LINE.exec(line);
      if (match === null) return line;
      const [, key, value] = match as unknown as [string, string, string];
      if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) return line;
      if (value.startsWith('[') && value.endsWith(']') && isFlowList(value)) return line;
      if (!YAML_INDICATOR.test(value)) return line;
      return `${key}: "${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    })
    .join('\n')
    .replace(/^\t+/gm, (tabs) => '  '.repeat(tabs.length));
}

function isFlowList(text: string): boolean {
  const parsed = parseBoundedDocument(text);
  return parsed.ok && parsed.doc.errors.length === 0 && isSeq(parsed.doc.contents);
}

function countNewlines(text: string): number {
  let n = 0;
  for (const char of text) if (char === '\n') n++;
  return n;
}

function firstMessageLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
