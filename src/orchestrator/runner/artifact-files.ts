// Files an attempt leaves in the run's artifacts directory: the whole text of outputs cut short
// in events, the raw stream, stderr, the system prompt and the MCP report channel.

import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class ArtifactFiles {
  private counter = 0;
  readonly prefix: string;

  constructor(
    readonly dir: string,
    attemptId: string,
    tryNumber: number,
  ) {
    mkdirSync(dir, { recursive: true });
    // Attempt ids look like `PRD-3/T2#1`: keep them readable but safe as one file name.
    const safe = attemptId.replace(/[^A-Za-z0-9._-]+/g, '-');
    this.prefix = tryNumber > 1 ? `${safe}.try${tryNumber}` : safe;
  }

  path(suffix: string): string {
    return join(this.dir, `${this.prefix}.${suffix}`);
  }

  /** Keeps `content` in a new numbered file and returns its path. */
  keep(label: string, content: string | Buffer): string {
    this.counter += 1;
    const file = this.path(`${String(this.counter).padStart(3, '0')}-${label}.txt`);
    writeFileSync(file, content);
    return file;
  }
}

/** Text for an event: whole when short, else its head with the full text in a file. */
export function clip(text: string, max: number, files: ArtifactFiles, label: string): { readonly text: string; readonly truncated?: string } {
  if (text.length <= max) return { text };
  const file = files.keep(label, text);
  return { text: cut(text, max, file), truncated: file };
}

/** The head of `text` for an event, naming the file that holds all of it. */
export function cut(text: string, max: number, file: string): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters in ${file}]`;
}

function shorten(value: unknown, max: number): unknown {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}… [${value.length - max} more characters]` : value;
  if (Array.isArray(value)) return value.map((v) => shorten(v, max));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v, max)]));
  }
  return value;
}

/** A tool input for an event: long strings inside it cut (e.g. a Write's content), the whole JSON in a file. */
export function clipInput(input: unknown, max: number, files: ArtifactFiles, label: string): { readonly input: unknown; readonly truncated?: string } {
  const json = JSON.stringify(input) ?? 'null';
  if (json.length <= max) return { input };
  const file = files.keep(label, json);
  return { input: shorten(input, Math.max(80, Math.floor(max / 8))), truncated: file };
}

/** A command that printed more than this is kept to this much: the artifact says where it stops. */
const MAX_PERSISTED_BYTES = 16 * 1024 * 1024;

/**
 * The whole output the claude CLI saved when it cut a tool result to a preview, copied into the
 * attempt's artifacts: the CLI's copy lives in its session folder under the agent's HOME, which
 * Orch does not own and the dashboard cannot reach.
 */
export function keepPersisted(path: string, files: ArtifactFiles): { readonly ok: true; readonly file: string } | { readonly ok: false; readonly problem: string } {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(size, MAX_PERSISTED_BYTES));
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    const cut = size > read ? Buffer.from(`\n… [${size - read} more bytes in ${path}]\n`) : Buffer.alloc(0);
    return { ok: true, file: files.keep('tool-output', Buffer.concat([buffer.subarray(0, read), cut])) };
  } catch (error) {
    return { ok: false, problem: `the claude CLI saved a long tool output to ${path}, which Orch could not copy (${(error as Error).message}): only its preview is kept` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
