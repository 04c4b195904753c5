import { Composer, isAlias, Lexer, Parser, visit, YAMLParseError, type Alias, type CST, type Document, type LineCounter } from 'yaml';

type Token = CST.Token;

// The `yaml` package builds documents recursively: a file nested a few thousand levels deep
// exhausts the stack, and near the limit V8 can abort the whole process ("RegExpCompiler ...
// out of memory", exit 134) instead of throwing. Its parser is iterative, so nesting is measured
// there, lexeme by lexeme, and a file is refused before anything recursive sees it.
export const YAML_MAX_DEPTH = 64;
// The `yaml` package's own measure of alias expansion (its default): a document whose aliases
// would expand exponentially ("billion laughs") is refused before any of it becomes plain data.
const YAML_MAX_ALIAS_COUNT = 100;

export interface YamlLimitExceeded {
  /** Offset in the YAML text where the limit was passed. */
  readonly offset: number;
  readonly message: string;
  readonly hint: string;
}

export type BoundedParse =
  | { readonly ok: true; readonly doc: Document.Parsed }
  | { readonly ok: false; readonly exceeded: YamlLimitExceeded };

export interface BoundedParseOptions {
  readonly lineCounter?: LineCounter;
  readonly uniqueKeys?: boolean;
}

const COLLECTIONS = new Set<Token['type']>(['block-map', 'block-seq', 'flow-collection']);

/**
 * `parseDocument` with bounded nesting and alias expansion, refusing too aliases that cannot become
 * data (no anchor before them, or inside their own anchor). Any other document comes out the same,
 * except that error messages are plain (no excerpt); with a line counter, each error has linePos.
 */
export function parseBoundedDocument(source: string, options: BoundedParseOptions = {}): BoundedParse {
  const parser = new Parser(options.lineCounter?.addNewLine);
  const tokens: Token[] = [];
  // What Parser.parse does first: the line counter learns that line 1 starts at 0.
  options.lineCounter?.addNewLine(0);
  for (const lexeme of new Lexer().lex(source)) {
    tokens.push(...parser.next(lexeme));
    // The stack holds the document, the open collections and at most a scalar or two, so it
    // is counted exactly only once it could be too deep.
    if (parser.stack.length > YAML_MAX_DEPTH && openCollections(parser.stack) > YAML_MAX_DEPTH) {
      return tooDeep(parser.offset);
    }
  }
  tokens.push(...parser.end());
  const composer = new Composer({ uniqueKeys: options.uniqueKeys ?? true });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, source.length)) {
    if (doc === undefined) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  // compose(..., forceDoc = true) always yields a document.
  const parsed = doc as Document.Parsed;
  const exceeded = parsed.errors.length === 0 ? aliasesExceeded(parsed, source) : undefined;
  if (exceeded !== undefined) return { ok: false, exceeded };
  const lines = options.lineCounter;
  if (lines !== undefined) for (const error of [...parsed.errors, ...parsed.warnings]) error.linePos = [lines.linePos(error.pos[0])];
  return { ok: true, doc: parsed };
}

function openCollections(stack: readonly Token[]): number {
  let n = 0;
  for (const token of stack) if (COLLECTIONS.has(token.type)) n++;
  return n;
}

function tooDeep(offset: number): BoundedParse {
  return {
    ok: false,
    exceeded: {
      offset,
      message: `the YAML is nested more than ${YAML_MAX_DEPTH} levels deep`,
      hint: 'flatten it: Orch reads no YAML nested that deep',
    },
  };
}

function aliasesExceeded(doc: Document.Parsed, source: string): YamlLimitExceeded | undefined {
  if (!source.includes('*')) return undefined;
  try {
    doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT });
    return selfReference(doc);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias count/i.test(message)) {
      return {
        offset: firstAlias(source, () => true)?.offset ?? 0,
        message: `the YAML aliases would expand more than ${YAML_MAX_ALIAS_COUNT} times, as in an alias bomb`,
        hint: 'write the values out instead of repeating an anchor through aliases',
      };
    }
    // The parser accepts an alias whose anchor comes later or never; turning it into data throws.
    const dangling = firstAlias(source, (name, anchors) => !anchors.has(name));
    return {
      offset: dangling?.offset ?? 0,
      message: dangling === undefined ? `malformed YAML: ${message}` : `the alias *${dangling.name} has no anchor &${dangling.name} before it`,
      hint: 'define an anchor before the aliases that use it',
    };
  }
}

/** An alias inside the node its anchor names (`a: &a {b: *a}`) makes data that contains itself. */
function selfReference(doc: Document.Parsed): YamlLimitExceeded | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc);
      const [start, , end] = target?.range ?? [];
      const at = alias.range?.[0];
      if (start === undefined || end === undefined || at === undefined || at < start || at >= end) return undefined;
      found = alias;
      return visit.BREAK;
    },
  });
  if (found === undefined || !isAlias(found)) return undefined;
  return {
    offset: found.range?.[0] ?? 0,
    message: `the alias *${found.source} is inside its own anchor &${found.source}, so its value would contain itself`,
    hint: 'move the alias out of the value it names',
  };
}

// The lexer's own marks (document mode, flow error end, scalar follows) stand for no source text.
const LEXER_MARKS = new Set(['\x02', '\x18', '\x1f']);

/** The first alias (`*name`) that `pick` accepts, as the lexer sees it (not a `*` inside quotes). */
function firstAlias(source: string, pick: (name: string, anchorsBefore: ReadonlySet<string>) => boolean): { name: string; offset: number } | undefined {
  const anchors = new Set<string>();
  let offset = 0;
  for (const lexeme of new Lexer().lex(source)) {
    if (LEXER_MARKS.has(lexeme)) continue;
    if (lexeme.startsWith('&')) anchors.add(lexeme.slice(1));
    if (lexeme.startsWith('*') && lexeme.length > 1 && pick(lexeme.slice(1), anchors)) return { name: lexeme.slice(1), offset };
    offset += lexeme.length;
  }
  return undefined;
}
