// Splits a PRD into its YAML frontmatter and its body, remembering where the YAML starts so
// errors inside it can name lines of the file, not of the YAML fragment. PRDs are Orch's own
// format, read by YAML's rules: only a whole `---` or `...` line ends the document. Agent files
// differ on purpose (agents/frontmatter.ts copies Claude Code's regex, so a `---` anywhere ends it).
import { InputError } from '../errors';
import { splitLines } from './markdown-lines';

export interface PrdFrontmatter {
  readonly yaml: string;
  /** File line of the YAML's first line (the one after the opening `---`). */
  readonly firstLine: number;
  readonly body: string;
}

export function splitPrdFrontmatter(text: string, file: string): PrdFrontmatter {
  const lines = splitLines(text);
  if (lines[0]?.trimEnd() !== '---') {
    throw new InputError('no YAML frontmatter', { file, line: 1 }, "a PRD starts with a '---' line, then YAML, then another '---' line");
  }
  const close = lines.findIndex((l, i) => i > 0 && (l.trimEnd() === '---' || l.trimEnd() === '...'));
  if (close === -1) {
    throw new InputError("the frontmatter opened at line 1 is never closed", { file, line: 1 }, "end the YAML with a '---' line");
  }
  const body = lines.slice(close + 1).join('\n').replace(/^(?:[ \t]*\n)+/, '').trimEnd();
  return { yaml: lines.slice(1, close).join('\n'), firstLine: 2, body };
}
