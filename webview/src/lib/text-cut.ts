/**
 * Where to cut a long text for its collapsed view: at `limit` characters or the end of line
 * `maxLines`, whichever comes first. Agent output can be megabytes; the page shows a few lines
 * until the reader asks for the rest.
 */
/** The collapsed view's Markdown: a code fence the cut left open is closed, then an ellipsis. */
export function cutMarkdown(text: string, cut: number): string {
  const head = text.slice(0, cut);
  const fences = head.split('\n').filter((line) => /^\s{0,3}(```|~~~)/.test(line)).length;
  return `${head}${fences % 2 === 1 ? '\n```' : ''}\n\n…`;
}

export function textCut(text: string, limit: number, maxLines: number): number {
  let end = Math.min(text.length, limit);
  let lines = 0;
  for (let i = 0; i < end; i += 1) {
    if (text.charCodeAt(i) === 10 && ++lines >= maxLines) {
      end = i;
      break;
    }
  }
  return end;
}
