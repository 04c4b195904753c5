import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AgentIssue } from './agent-types';
import { parseAgentFile, type AgentFields, type ParsedAgentFile } from './parse-agent-file';

export interface FolderAgent {
  readonly file: string;
  readonly fields: AgentFields;
}

export interface FolderContents {
  readonly agents: readonly FolderAgent[];
  readonly issues: readonly AgentIssue[];
  /** Problems in files that still load (an unknown tool name, say). */
  readonly warnings: readonly AgentIssue[];
}

/**
 * Parse results by file path and text: a reload re-reads every file (cheap) but re-parses only
 * the ones whose text changed (YAML parsing is most of the cost).
 */
export type ParseCache = Map<string, { readonly text: string; readonly result: ParsedAgentFile }>;

/** The valid agents of one folder (`*.md`, in subfolders too) and the problems of the others. */
export function loadAgentFolder(
  dir: string,
  phases: readonly string[],
  previous: ParseCache,
  next: ParseCache,
  /** How strictly Orch's own keys are read: see parseAgentFile's options. */
  strictness: { readonly dropUnknownPhases?: boolean; readonly claudeFolder?: boolean } = {},
): FolderContents {
  // Synchronous on purpose: for 1,000 small files, readFileSync took about 10 ms here where
  // Promise.all over fs.promises.readFile took about 80 ms (thread pool round trips).
  const files = listAgentFiles(dir);
  const texts = files.map((file) => readText(file));
  const agents: FolderAgent[] = [];
  const issues: AgentIssue[] = [];
  const warnings: AgentIssue[] = [];
  const firstFileByName = new Map<string, string>();
  files.forEach((file, i) => {
    const text = texts[i];
    if (text === undefined) return;
    if (typeof text !== 'string') {
      issues.push({ file, line: 1, message: `cannot read the file: ${text.code}`, hint: 'check its permissions' });
      return;
    }
    const cached = previous.get(file);
    const result = cached?.text === text ? cached.result : parseAgentFile(text, file, phases, strictness);
    // Only files seen in this pass go into the next cache, so deleted files do not linger.
    next.set(file, { text, result });
    if (!result.ok) {
      // A folder's README is documentation unless it is written as an agent (Claude Code loads it then).
      if (!isReadme(file) || text.startsWith('---')) issues.push(...result.issues);
      return;
    }
    warnings.push(...result.warnings);
    const first = firstFileByName.get(result.agent.name);
    if (first !== undefined) {
      issues.push({
        file,
        line: result.nameLine,
        message: `duplicate agent name '${result.agent.name}': ${first} in the same folder already defines it`,
        hint: 'rename this agent or delete one of the two files',
      });
      return;
    }
    firstFileByName.set(result.agent.name, file);
    agents.push({ file, fields: result.agent });
  });
  return { agents, issues, warnings };
}

// Claude Code loads `*.md` (lower case) from the folder and its subfolders, README.md included
// when it has frontmatter (measured with CLI 2.1.197), so files grouped by team load here too.
function listAgentFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    // A folder that does not exist (yet) simply holds no agents.
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.')) files.push(...listAgentFiles(path));
    else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.md')) files.push(path);
  }
  return files;
}

function isReadme(file: string): boolean {
  return basename(file).toLowerCase() === 'readme.md';
}

/** The text, undefined if the file vanished since the listing, or the error that kept it unread. */
function readText(file: string): string | NodeJS.ErrnoException | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'EISDIR')) return undefined;
    return error as NodeJS.ErrnoException;
  }
}

export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
