import { LineCounter, parseDocument, type Document } from 'yaml';

/** A Markdown file's YAML frontmatter, parsed, with a way to turn node offsets into file lines. */
export interface Frontmatter {
  readonly doc: Document;
  readonly body: string;
  /** File line (1-based) of an offset into the YAML text. */
  lineAt(offset: number): number;
}

export interface FrontmatterError {
  readonly line: number;
  readonly message: string;
  readonly hint: string;
}

const FENCE = /^---[ \t]*$/;

/** Splits `---\nyaml\n---\nbody` and parses the YAML; errors carry the file line they are on. */
export function parseFrontmatter(text: string): Frontmatter | FrontmatterError {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = source.split(/\r?\n/);
  if (lines.length === 0 || !FENCE.test(lines[0] ?? '')) {
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
  const yamlText = lines.slice(1, end).join('\n');
  const body = lines.slice(end + 1).join('\n').trim();
  // The YAML text starts on file line 2.
  const parsed = parseYaml(yamlText);
  const firstError = parsed.doc.errors[0];
  if (firstError === undefined) return { doc: parsed.doc, body, lineAt: (offset) => parsed.counter.linePos(offset).line + 1 };

  // Claude Code loads descriptions such as `description: Use when: x` that strict YAML rejects, so
  // retry with such values quoted (line for line, so lines stay right) before reporting the error.
  const retried = parseYaml(quoteBareValues(yamlText));
  if (retried.doc.errors.length === 0) return { doc: retried.doc, body, lineAt: (offset) => retried.counter.linePos(offset).line + 1 };
  const line = (firstError.linePos?.[0].line ?? 1) + 1;
  return {
    line,
    message: `malformed YAML frontmatter: ${firstMessageLine(firstError.message)}`,
    hint: 'quote values that contain ": " or start with a special character, and close every [ and {',
  };
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
