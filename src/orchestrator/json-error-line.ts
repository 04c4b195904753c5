/**
 * The line of a JSON.parse error in `text`, for `file:line` reports: from its position when
 * the message gives one, else from the excerpt Node 20 quotes around an unexpected token, else
 * the last line for input cut short (a truncated file ends there), else 1.
 */
export function jsonErrorLine(text: string, error: unknown): number {
  const position = errorPosition(text, String((error as Error).message));
  if (position !== undefined) return text.slice(0, position).split('\n').length;
  return /end of JSON input/.test(String((error as Error).message)) ? text.trimEnd().split('\n').length : 1;
}

// V8 quotes the source from 10 characters before the error to 10 after it, marking a cut end with "...".
const EXCERPT = 10;

function errorPosition(text: string, message: string): number | undefined {
  const stated = /position (\d+)/.exec(message);
  if (stated !== null) return Number(stated[1]);
  const quoted = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (quoted === null) return undefined;
  const [, token, cutBefore, excerpt, cutAfter] = quoted as unknown as [string, string, string | undefined, string, string | undefined];
  const start = text.indexOf(excerpt);
  if (start < 0) return undefined;
  if (cutBefore !== undefined) return start + EXCERPT;
  return cutAfter !== undefined ? start + excerpt.length - EXCERPT : start + excerpt.indexOf(token);
}
