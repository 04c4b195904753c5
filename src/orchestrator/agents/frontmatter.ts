import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
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

export interface Frontmatter {
  readonly entries: readonly FrontEntry[];
  readonly body: string;
}

export interface FrontmatterError {
  readonly line: number;
  readonly message: string;
  readonly hint: string;
}

const FENCE = /^---[ \t]*$/;
/** The YAML text starts on file line 2, after the opening fence. */
const FIRST_LINE = 2;

/**
 * Splits `---\nyaml\n---\nbody` and reads the YAML. Most agent files are flat `key: value` lines,
 * read by a small exact parser (parsing 1,000 files with the full YAML library takes longer than
 * the whole discovery budget); anything else goes through the `yaml` package.
 */
export function parseFrontmatter(text: string): Frontmatter | FrontmatterError {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = source.split(/\r?\n/);
  if (!FENCE.test(lines[0] ?? '')) {
    return {
      line: 1,
      message: 'no YAML frontmatter: the file must start with a --- line',
      hint: 'start the file with ---, then name: and description:, then --- and the system prompt',
    };
  }
  const end = lines.findIndex((line, i) => i > 0 && FENCE.test(line));
  if (end === -1) {
    return { line: 1, message: 'the frontmatter opened on line 1 is never closed', hint: 'add a --- line after the last frontmatter key' };
  }
  const yamlLines = lines.slice(1, end);
  const body = lines.slice(end + 1).join('\n').trim();
  const simple = parseSimpleYaml(yamlLines, FIRST_LINE);
  if (simple !== undefined) return { entries: simple, body };
  return parseWithLibrary(yamlLines.join('\n'), body);
}

/** The same result through the `yaml` package alone (exported so tests can hold the fast path to it). */
export function parseWithLibrary(yamlText: string, body = ''): Frontmatter | FrontmatterError {
  const parsed = parseYaml(yamlText);
  const firstError = parsed.doc.errors[0];
  if (firstError === undefined) return toFrontmatter(parsed, body);
  // Claude Code loads descriptions such as `description: Use when: x` that strict YAML rejects, so
  // retry with such values quoted (line for line, so lines stay right) before reporting the error.
  const retried = parseYaml(quoteBareValues(yamlText));
  if (retried.doc.errors.length === 0) return toFrontmatter(retried, body);
  return {
    line: (firstError.linePos?.[0].line ?? 1) + FIRST_LINE - 1,
    message: `malformed YAML frontmatter: ${firstMessageLine(firstError.message)}`,
    hint: 'quote values that contain ": " or start with a special character, and close every [ and {',
  };
}

function toFrontmatter({ doc, counter }: { doc: Document; counter: LineCounter }, body: string): Frontmatter | FrontmatterError {
  const lineOf = (node: unknown): number => {
    const start = (node as { range?: readonly number[] } | null | undefined)?.range?.[0];
    return start === undefined ? 1 : counter.linePos(start).line + FIRST_LINE - 1;
  };
  const contents = doc.contents;
  if (contents === null) return { entries: [], body };
  if (!isMap(contents)) {
    return { line: lineOf(contents), message: 'the frontmatter must be a list of key: value lines', hint: 'write name: and description: keys between the --- lines' };
  }
  const entries: FrontEntry[] = [];
  const data = doc.toJS() as Record<string, unknown>;
  for (const pair of contents.items) {
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string') {
      return { line: lineOf(pair.key), message: 'a frontmatter key must be a plain name', hint: 'write keys as name: value' };
    }
    const valueNode = (pair.value ?? null) as Node | null;
    const keyLine = lineOf(pair.key);
    entries.push({
      key: pair.key.value,
      keyLine,
      value: valueNode === null ? { kind: 'scalar', value: null, line: keyLine } : toValue(valueNode, lineOf),
      data: data[pair.key.value] ?? null,
    });
  }
  return { entries, body };
}

function toValue(node: Node, lineOf: (node: unknown) => number): FrontValue {
  if (isSeq(node)) return { kind: 'list', items: node.items.map((item) => toValue(item as Node, lineOf)), line: lineOf(node) };
  if (isScalar(node)) {
    const value = node.value;
    const plain = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : String(value);
    return { kind: 'scalar', value: plain, line: lineOf(node) };
  }
  return { kind: 'map', line: lineOf(node) };
}

function parseYaml(text: string): { doc: Document; counter: LineCounter } {
  const counter = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: counter, uniqueKeys: true }), counter };
}

const BARE_KEY_VALUE = /^([A-Za-z_][\w-]*):[ \t]+(.*?)[ \t]*$/;
const NEEDS_NO_QUOTES = /^["'[{|>&*!%@`#]/;

function quoteBareValues(yamlText: string): string {
  return yamlText
    .split('\n')
    .map((line) => {
      const match = BARE_KEY_VALUE.exec(line);
      if (match === null) return line;
      const [, key, value] = match as unknown as [string, string, string];
      if (value === '' || NEEDS_NO_QUOTES.test(value) || !value.includes(': ')) return line;
      return `${key}: ${JSON.stringify(value)}`;
    })
    .join('\n');
}

function firstMessageLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
