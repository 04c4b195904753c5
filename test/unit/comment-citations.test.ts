import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

// A maintainer with a clone has only the repository: a comment that sends them to the design notes
// the project was started from (outside it) is a dead end. docs/design.md is the in-repo copy.
const ROOT = resolve(__dirname, '../..');
const OUTSIDE = [/\bDESIGN\.md\b/, /(^|[\s('"`])\.\.\/shared\b/, /\bshared\/notes\b/, /\/work\/(shared|briefs|issues)\b/];

interface Citation {
  readonly line: number;
  readonly text: string;
}

/** Comments of a TypeScript text, found by the parser so `//` inside a string or regex is no comment. */
function tsComments(text: string): { pos: number; text: string }[] {
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = new Map<number, string>();
  const collect = (ranges: readonly ts.CommentRange[] | undefined): void => {
    for (const r of ranges ?? []) found.set(r.pos, text.slice(r.pos, r.end));
  };
  const visit = (node: ts.Node): void => {
    collect(ts.getLeadingCommentRanges(text, node.pos));
    collect(ts.getTrailingCommentRanges(text, node.end));
    for (const child of node.getChildren(sf)) visit(child);
  };
  visit(sf);
  return [...found].map(([pos, comment]) => ({ pos, text: comment }));
}

/** Comments of a .svelte component: its <script> blocks as TypeScript, its markup's and styles' own comments. */
function svelteComments(text: string): { pos: number; text: string }[] {
  const comments: { pos: number; text: string }[] = [];
  let rest = text;
  for (const m of text.matchAll(/(<script\b[^>]*>)([\s\S]*?)<\/script>/g)) {
    const start = (m.index ?? 0) + (m[1]?.length ?? 0);
    const body = m[2] ?? '';
    for (const c of tsComments(body)) comments.push({ pos: start + c.pos, text: c.text });
    rest = rest.slice(0, start) + ' '.repeat(body.length) + rest.slice(start + body.length);
  }
  for (const m of rest.matchAll(/<!--[\s\S]*?-->|\/\*[\s\S]*?\*\//g)) comments.push({ pos: m.index ?? 0, text: m[0] });
  return comments;
}

/** The comments in `text` that cite a file outside the repository, with their 1-based line. */
function outsideCitations(text: string, kind: 'ts' | 'svelte'): Citation[] {
  if (!OUTSIDE.some((re) => re.test(text))) return [];
  const comments = kind === 'ts' ? tsComments(text) : svelteComments(text);
  return comments
    .filter((c) => OUTSIDE.some((re) => re.test(c.text)))
    .map((c) => ({ line: text.slice(0, c.pos).split('\n').length, text: c.text.split('\n').find((l) => OUTSIDE.some((re) => re.test(l)))?.trim() ?? c.text }))
    .sort((a, b) => a.line - b.line);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|svelte)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('comments cite only files inside the repository', function () {
  this.timeout(30_000);

  it('finds a citation in a line comment, a block comment, a JSDoc, a Svelte script and its markup', () => {
    const code = "const a = 1; // see DESIGN.md §4\n/* as in\n   ../shared/notes/x.md */\n/** per shared/notes/claude-cli-facts.md */\nexport const b = 2;\n";
    assert.deepEqual(outsideCitations(code, 'ts').map((c) => c.line), [1, 2, 4]);
    const svelte = '<script lang="ts">\n  // DESIGN.md §7\n  let x = 1;\n</script>\n\n<!-- from ../shared/mockup -->\n<p>{x}</p>\n';
    assert.deepEqual(outsideCitations(svelte, 'svelte').map((c) => c.line), [2, 6]);
  });

  it('leaves code, strings and regexes alone, and lets comments cite docs/design.md', () => {
    const text = "// docs/design.md §4 says so\nconst url = 'http://x//y'; const re = /https?:\\/\\//;\nconst p = '../shared/seed/ROADMAP.md'; // an optional fixture\n";
    assert.deepEqual(outsideCitations(text, 'ts'), []);
  });

  it('holds for every file in src/ and webview/src/', () => {
    const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'webview/src'))];
    assert.ok(files.length > 100, `only ${files.length} source files found under ${ROOT}`);
    const found = files.flatMap((file) =>
      outsideCitations(readFileSync(file, 'utf8'), file.endsWith('.svelte') ? 'svelte' : 'ts').map((c) => `${relative(ROOT, file)}:${c.line} ${c.text}`),
    );
    assert.deepEqual(found, [], `comments citing files outside the repository (cite docs/… instead):\n${found.join('\n')}`);
  });
});
