import type { FrontEntry, FrontValue } from './frontmatter';

// An exact reader for the flat YAML most agent files use: top-level `key: value` lines whose
// values are plain or simply quoted scalars, `[a, b]` lists or `- item` block lists, plus comments
// and blank lines. It gives up (returns undefined) on anything else, so the `yaml` package decides
// every case where YAML's rules get subtle; the test suite checks both agree where this one answers.

const KEY_LINE = /^([A-Za-z_][\w-]*):(?:[ \t]+(.*?))?[ \t]*$/;
const ITEM_LINE = /^([ ]*)-[ ]+(.*?)[ \t]*$/;
const COMMENT_OR_BLANK = /^[ \t]*(#.*)?$/;
const INTEGER = /^(0|[1-9]\d{0,14})$/;
const DECIMAL = /^(0|[1-9]\d{0,14})\.\d{1,15}$/;
// Plain text that YAML 1.2 reads as a string: no indicator first, no ": " or " #" inside, no
// trailing ":", no tabs; words YAML might turn into booleans or null are left to the library.
const INDICATOR_FIRST = /^[-?:,[\]{}#&*!|>'"%@`\d.+~]/;
const SPECIAL_WORD = /^(true|false|null|yes|no|on|off|y|n)$/i;
const DOUBLE_QUOTED = /^"((?:[^"\\]|\\["\\/nt])*)"$/;
const SINGLE_QUOTED = /^'((?:[^']|'')*)'$/;

type Scalar = string | number;

export function parseSimpleYaml(lines: readonly string[], firstLine: number): FrontEntry[] | undefined {
  const entries: FrontEntry[] = [];
  const seen = new Set<string>();
  let openList: { key: string; keyLine: number; indent?: number; items: FrontValue[]; values: Scalar[] } | undefined;

  const closeList = (): void => {
    if (openList === undefined) return;
    const { key, keyLine, items, values } = openList;
    entries.push(
      items.length === 0
        ? { key, keyLine, value: { kind: 'scalar', value: null, line: keyLine }, data: null }
        : { key, keyLine, value: { kind: 'list', items, line: items[0]?.line ?? keyLine }, data: values },
    );
    openList = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] as string;
    const line = firstLine + i;
    if (COMMENT_OR_BLANK.test(text)) continue;
    const item = openList === undefined ? null : ITEM_LINE.exec(text);
    if (openList !== undefined && item !== null) {
      // Items indented differently would make YAML read continuation lines: leave that to it.
      const indent = (item[1] as string).length;
      if (openList.indent !== undefined && indent !== openList.indent) return undefined;
      openList.indent = indent;
      const value = scalar(item[2] ?? '');
      if (value === undefined) return undefined;
      openList.items.push({ kind: 'scalar', value, line });
      openList.values.push(value);
      continue;
    }
    closeList();
    const match = KEY_LINE.exec(text);
    if (match === null) return undefined;
    const key = match[1] as string;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const raw = match[2] ?? '';
    if (raw === '' || raw.startsWith('#')) {
      openList = { key, keyLine: line, items: [], values: [] };
      continue;
    }
    if (raw.startsWith('[')) {
      const values = flowList(raw);
      if (values === undefined) return undefined;
      const items: FrontValue[] = values.map((value) => ({ kind: 'scalar', value, line }));
      entries.push({ key, keyLine: line, value: { kind: 'list', items, line }, data: values });
      continue;
    }
    const value = scalar(raw);
    if (value === undefined) return undefined;
    entries.push({ key, keyLine: line, value: { kind: 'scalar', value, line }, data: value });
  }
  closeList();
  return entries;
}

function scalar(raw: string): Scalar | undefined {
  if (INTEGER.test(raw)) return Number.parseInt(raw, 10);
  if (DECIMAL.test(raw)) return Number.parseFloat(raw);
  const double = DOUBLE_QUOTED.exec(raw);
  if (double !== null) return (double[1] as string).replace(/\\(["\\/nt])/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
  const single = SINGLE_QUOTED.exec(raw);
  if (single !== null) return (single[1] as string).replace(/''/g, "'");
  return plain(raw) ? raw : undefined;
}

function plain(raw: string): boolean {
  return (
    raw !== '' &&
    !INDICATOR_FIRST.test(raw) &&
    !SPECIAL_WORD.test(raw) &&
    !raw.includes(': ') &&
    !raw.includes(' #') &&
    !raw.endsWith(':') &&
    !raw.includes('\t')
  );
}

/** `[a, b]` of plain words; undefined for anything a flow list could mean beyond that. */
function flowList(raw: string): Scalar[] | undefined {
  if (!raw.endsWith(']')) return undefined;
  const inner = raw.slice(1, -1).trim();
  if (inner === '') return [];
  const values: Scalar[] = [];
  for (const part of inner.split(',')) {
    const text = part.trim();
    if (/[[\]{}"':]/.test(text)) return undefined;
    const value = scalar(text);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}
