import { isMap, isScalar, isSeq, LineCounter, type Document } from 'yaml';
import { InputError } from '../errors';
import { parseBoundedDocument } from '../security/bounded-yaml';
import type { AgentIssue } from './agent-types';

export interface TeamMember {
  readonly name: string;
  readonly line: number;
}

export interface TeamsFile {
  /** Team name to its members, in file order. */
  readonly teams: ReadonlyMap<string, readonly TeamMember[]>;
  /** Entries (or the whole file) that could not be read: skipped. */
  readonly issues: readonly AgentIssue[];
}

const SHAPE_HINT = 'write one team per line: teamName: [agent-a, agent-b]';

/** Reads `.orch/teams.yaml` (`team: [agent, ...]`); a bad entry is reported and skipped, the rest loads. */
export function parseTeamsFile(text: string, file: string): TeamsFile {
  const counter = new LineCounter();
  const parsed = parseBoundedDocument(text, { lineCounter: counter, uniqueKeys: true });
  const teams = new Map<string, TeamMember[]>();
  const issues: AgentIssue[] = [];
  if (!parsed.ok) {
    issues.push({ file, line: counter.linePos(parsed.exceeded.offset).line, message: parsed.exceeded.message, hint: parsed.exceeded.hint });
    return { teams, issues };
  }
  const doc = parsed.doc;
  const lineAt = (node: unknown): number => {
    const start = (node as { range?: readonly number[] } | null | undefined)?.range?.[0];
    return start === undefined ? 1 : counter.linePos(start).line;
  };
  const error = doc.errors[0];
  if (error !== undefined) {
    const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    issues.push({ file, line: error.linePos?.[0].line ?? 1, message: `malformed YAML: ${message}`, hint: SHAPE_HINT });
    return { teams, issues };
  }
  if (doc.contents === null) return { teams, issues };
  if (!isMap(doc.contents)) {
    issues.push({ file, line: lineAt(doc.contents), message: 'teams.yaml must map team names to lists of agents', hint: SHAPE_HINT });
    return { teams, issues };
  }
  for (const pair of doc.contents.items) {
    const team = isScalar(pair.key) ? String(pair.key.value) : '';
    if (team === '') {
      issues.push({ file, line: lineAt(pair.key), message: 'a team needs a plain name', hint: SHAPE_HINT });
      continue;
    }
    if (!isSeq(pair.value)) {
      issues.push({ file, line: lineAt(pair.value ?? pair.key), message: `team '${team}' must be a list of agent names`, hint: `write ${team}: [agent-a, agent-b]` });
      continue;
    }
    const members: TeamMember[] = [];
    for (const item of pair.value.items) {
      if (isScalar(item) && typeof item.value === 'string' && item.value.trim() !== '') members.push({ name: item.value.trim(), line: lineAt(item) });
      else issues.push({ file, line: lineAt(item ?? pair.value), message: `team '${team}' has an entry that is not an agent name`, hint: `write ${team}: [agent-a, agent-b]` });
    }
    teams.set(team, members);
  }
  return { teams, issues };
}

/**
 * The teams file's text with one team set to `agents` (removed when empty). Other teams and
 * comments stay as the user wrote them; a file that is not valid YAML is refused, not replaced.
 */
export function setTeamInText(text: string | undefined, file: string, team: string, agents: readonly string[]): string {
  const counter = new LineCounter();
  const parsed = parseBoundedDocument(text ?? '', { lineCounter: counter });
  if (!parsed.ok) throw new InputError(`cannot update teams: ${parsed.exceeded.message}`, { file, line: counter.linePos(parsed.exceeded.offset).line }, parsed.exceeded.hint);
  const doc: Document = parsed.doc;
  const error = doc.errors[0];
  if (error !== undefined) {
    throw new InputError('cannot update teams: the file is not valid YAML', { file, line: error.linePos?.[0].line ?? 1 }, 'fix the file or delete it');
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new InputError('cannot update teams: the file is not a mapping of teams', { file, line: 1 }, SHAPE_HINT);
  }
  if (agents.length === 0) doc.delete(team);
  else {
    const list = doc.createNode([...agents]);
    list.flow = true;
    doc.set(team, list);
  }
  return doc.contents === null || (isMap(doc.contents) && doc.contents.items.length === 0) ? '' : doc.toString();
}
