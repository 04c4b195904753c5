// Splits a Markdown file into its YAML frontmatter and its body, remembering where the YAML
// starts so errors inside it can name lines of the file, not of the YAML fragment.
import { InputError } from '../errors';
import { splitLines } from './markdown-lines';

export interface Frontmatter {
  readonly yaml: string;
  /** File line of the YAML's first line (the one after the opening `---`). */
  readonly firstLine: number;
  readonly body: string;
}

export function splitFrontmatter(text: string, file: string): Frontmatter {
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
