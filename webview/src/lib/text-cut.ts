/** The collapsed view's Markdown: a code fence the cut left open is closed, then an ellipsis. */
export function cutMarkdown(text: string, cut: number): string {
  const head = text.slice(0, cut);
  const open = openFence(head);
  return `${head}${open === undefined ? '' : `\n${open}`}\n\n…`;
}

/**
 * The fence still open at the end of `markdown`, if any. CommonMark closes a fence only with the
 * same character repeated at least as often, so `~~~~` is not closed by "```" and a cut view
 * closed with the wrong marker would swallow everything after it into code.
 */
function openFence(markdown: string): string | undefined {
  let open: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker === undefined) continue;
    if (open === undefined) open = marker;
    else if (marker[0] === open[0] && marker.length >= open.length && line.trim() === marker) open = undefined;
  }
  return open;
}

/**
 * Where to cut a long text for its collapsed view: at `limit` characters or the end of line
 * `maxLines`, whichever comes first. Agent output can be megabytes; the page shows a few lines
 * until the reader asks for the rest.
 */
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
