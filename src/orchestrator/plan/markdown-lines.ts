// A line scanner that knows just enough CommonMark for roadmaps: it hides fenced code and HTML
// comments (where `#` lines are code or notes, not headings) and classifies what is left. Folded
// `<details>` sections are read as a person reads them once unfolded: their `<summary>` is a
// heading of no particular level, and the Markdown inside is read as usual.

export type MarkdownLine =
  | {
      readonly kind: 'heading';
      readonly line: number;
      readonly level: number;
      readonly text: string;
      /** A `<summary>` line: it names what it folds but sits at no heading level. */
      readonly summary?: true;
    }
  | { readonly kind: 'item'; readonly line: number; readonly indent: number; readonly text: string }
  | { readonly kind: 'text'; readonly line: number; readonly indent: number; readonly text: string }
  | { readonly kind: 'blank'; readonly line: number };

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const CLOSING_HASHES = /(?:^|[ \t]+)#+$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const DETAILS_TAG = /^\s*<\/?details\b[^>]*>\s*$/i;
const SUMMARY_OPEN = /^\s*(?:<details\b[^>]*>\s*)?<summary\b[^>]*>(.*)$/i;
const HTML_HEADING = /^\s*<h([1-6])\b[^>]*>(.*?)<\/h\1>\s*$/i;

/** Splits on any line ending (LF, CRLF, lone CR) after dropping a byte-order mark. */
export function splitLines(text: string): string[] {
  return (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r\n|\r|\n/);
}

export function scanMarkdown(text: string): MarkdownLine[] {
  const out: MarkdownLine[] = [];
  let fence: { char: string; length: number } | undefined;
  let inComment = false;
  let summary: { line: number; text: string } | undefined;
  splitLines(text).forEach((raw, index) => {
    const line = index + 1;
    if (summary !== undefined) {
      // A summary left open ends at the first blank line, so it cannot swallow the rest of the file.
      const closes = /<\/summary>/i.test(raw);
      if (closes || raw.trim() !== '') summary.text += ` ${raw}`;
      if (!closes && raw.trim() !== '') return;
      out.push(summaryHeading(summary.text, summary.line));
      summary = undefined;
      if (closes) return;
    }
    if (fence !== undefined) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(raw);
      if (close?.[1]?.[0] === fence.char && close[1].length >= fence.length) fence = undefined;
      return;
    }
    if (inComment) {
      if (raw.includes('-->')) inComment = false;
      return;
    }
    const open = FENCE_OPEN.exec(raw);
    // A backtick fence's info string may not contain backticks (CommonMark 4.5).
    if (open?.[1] !== undefined && !(open[1][0] === '`' && (open[2] ?? '').includes('`'))) {
      fence = { char: open[1][0] as string, length: open[1].length };
      return;
    }
    if (/^ {0,3}<!--/.test(raw)) {
      inComment = !raw.slice(raw.indexOf('<!--') + 4).includes('-->');
      return;
    }
    const opened = SUMMARY_OPEN.exec(raw);
    if (opened !== null) {
      const inner = opened[1] ?? '';
      if (/<\/summary>/i.test(inner)) out.push(summaryHeading(inner, line));
      else summary = { line, text: inner };
      return;
    }
    out.push(DETAILS_TAG.test(raw) ? { kind: 'blank', line } : classify(raw, line));
  });
  return out;
}

/** `<summary>Phase 1</summary>`, styled with `<h2>` or `<b>` or not: it names what it folds, at no heading level. */
function summaryHeading(inner: string, line: number): MarkdownLine {
  const text = inner.replace(/<\/summary>[\s\S]*$/i, '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return { kind: 'heading', line, level: 0, text, summary: true };
}

function classify(raw: string, line: number): MarkdownLine {
  if (raw.trim() === '') return { kind: 'blank', line };
  const html = HTML_HEADING.exec(raw);
  if (html !== null) return { kind: 'heading', line, level: Number(html[1]), text: (html[2] ?? '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim() };
  const heading = ATX_HEADING.exec(raw);
  if (heading?.[1] !== undefined) {
    const text = (heading[2] ?? '').replace(CLOSING_HASHES, '').trim();
    return { kind: 'heading', line, level: heading[1].length, text };
  }
  const indent = raw.length - raw.trimStart().length;
  if (THEMATIC_BREAK.test(raw)) return { kind: 'blank', line };
  const item = LIST_ITEM.exec(raw);
  if (item !== undefined && item !== null) {
    return { kind: 'item', line, indent: (item[1] ?? '').replace(/\t/g, '    ').length, text: (item[2] ?? '').trim() };
  }
  return { kind: 'text', line, indent, text: raw.trim() };
}
