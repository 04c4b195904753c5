// Reads typed values out of a YAML document's nodes, so every complaint can point at the line of
// the node that caused it (a plain `toJS()` object has forgotten where its values came from).
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, type Pair } from 'yaml';
import { InputError } from '../errors';
import { parseBoundedDocument } from '../security/bounded-yaml';

export type YamlMapNode = { readonly items: readonly Pair[]; readonly range?: Node['range'] } & Node;

export class YamlReader {
  readonly errors: InputError[] = [];
  readonly root: unknown;
  private readonly lines = new LineCounter();
  private readonly doc: Document;

  /** `firstLine` is the file line the YAML text starts on. */
  constructor(
    yaml: string,
    readonly file: string,
    private readonly firstLine: number,
  ) {
    const parsed = parseBoundedDocument(yaml, { lineCounter: this.lines });
    if (!parsed.ok) {
      this.errors.push(new InputError(parsed.exceeded.message, { file, line: this.lineAt(parsed.exceeded.offset) }, parsed.exceeded.hint));
      this.doc = new Document();
      this.root = null;
      return;
    }
    this.doc = parsed.doc;
    for (const e of this.doc.errors) {
      this.errors.push(new InputError(`malformed YAML: ${e.message}`, { file, line: this.lineAt(e.pos[0]) }));
    }
    this.root = this.doc.contents;
  }

  lineOf(node: unknown, fallback = this.firstLine): number {
    const range = isNodeLike(node) ? node.range : undefined;
    return range === undefined || range === null ? fallback : this.lineAt(range[0]);
  }

  error(message: string, node: unknown, hint?: string, fallbackLine?: number): void {
    this.errorAt(message, this.lineOf(node, fallbackLine), hint);
  }

  errorAt(message: string, line: number, hint?: string): void {
    this.errors.push(new InputError(message, { file: this.file, line }, hint));
  }

  resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** The mapping's entries by key, after reporting keys that are not in `allowed`. */
  entries(map: YamlMapNode, allowed: readonly string[], what: string): Map<string, { key: unknown; value: unknown }> {
    const out = new Map<string, { key: unknown; value: unknown }>();
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !allowed.includes(key)) {
        this.error(`unknown key ${key === undefined ? describe(pair.key) : `'${key}'`} in ${what}`, pair.key, `allowed: ${allowed.join(', ')}`);
        continue;
      }
      out.set(key, { key: pair.key, value: this.resolve(pair.value) });
    }
    return out;
  }

  map(node: unknown): YamlMapNode | undefined {
    const resolved = this.resolve(node);
    return isMap(resolved) ? resolved : undefined;
  }

  seq(node: unknown): readonly unknown[] | undefined {
    const resolved = this.resolve(node);
    return isSeq(resolved) ? resolved.items.map((item) => this.resolve(item)) : undefined;
  }

  /** A scalar's value (null for `key:` with nothing after it); undefined for collections. */
  scalar(node: unknown): unknown {
    const resolved = this.resolve(node);
    return isScalar(resolved) ? resolved.value : undefined;
  }

  /** Absent, `key:` with no value, or `[]`: all mean "none" for an optional list. */
  isEmptyList(node: unknown): boolean {
    return node === undefined || this.scalar(node) === null || this.seq(node)?.length === 0;
  }

  /** A non-empty string; plain numbers count too (`milestone: 0.2`) and keep their written form. */
  text(node: unknown, options: { numbers?: boolean } = {}): string | undefined {
    if (!isScalar(node)) return undefined;
    if (typeof node.value === 'string') return node.value.trim() === '' ? undefined : node.value;
    if (options.numbers === true && typeof node.value === 'number') return node.source ?? String(node.value);
    return undefined;
  }

  private lineAt(offset: number): number {
    return this.lines.linePos(offset).line + this.firstLine - 1;
  }
}

/** How a bad value reads in an error: quoted scalars, or the kind of collection. */
export function describe(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.value === null || node.value === undefined) return 'nothing';
    // A scalar's value is a string, number, boolean or bigint here: its String() is what was written.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    return typeof node.value === 'string' ? `'${node.value}'` : `${typeof node.value} ${String(node.value)}`;
  }
  return node === null || node === undefined ? 'nothing' : 'an unsupported value';
}

function isNodeLike(node: unknown): node is { range?: [number, number, number] | null } {
  return typeof node === 'object' && node !== null && 'range' in node;
}
