import { readFile } from 'node:fs/promises';
import type { AgentDefinition, AgentIssue, AgentOrigin, RegistrySnapshot } from './agent-types';
import { agentSources, teamsFilePath, type AgentSourceOptions } from './agent-sources';
import { closestMatch } from './closest-match';
import { isErrno, loadAgentFolder, type ParseCache } from './load-agent-folder';
import type { AgentFields } from './parse-agent-file';
import { parseTeamsFile } from './teams-file';

export interface SnapshotOptions extends AgentSourceOptions {
  /** The workflow phases agents may name (DEFAULT_PHASES unless the config says otherwise). */
  readonly phases: readonly string[];
}

export interface BuiltSnapshot {
  readonly snapshot: RegistrySnapshot;
  /** Parse results to hand to the next build. */
  readonly cache: ParseCache;
}

/**
 * Reads every agent folder and the teams file into a new snapshot. A definition equal to the
 * previous snapshot's keeps the previous object, so unchanged agents keep their identity.
 */
export async function buildSnapshot(
  options: SnapshotOptions,
  previous: RegistrySnapshot | undefined,
  previousCache: ParseCache = new Map(),
): Promise<BuiltSnapshot> {
  const cache: ParseCache = new Map();
  const sources = agentSources(options);
  // Built-in files drop phases a workspace does not configure; files in Claude Code's own folders
  // load whenever Claude Code loads them; `.orch/agents` is Orch's, where every key is checked.
  const folders = sources.map((source) =>
    loadAgentFolder(source.dir, options.phases, previousCache, cache, {
      dropUnknownPhases: source.origin === 'builtin',
      claudeFolder: source.origin === 'user' || source.origin === 'workspace-claude',
    }),
  );
  const merged = new Map<string, { fields: AgentFields; source: string; origin: AgentOrigin; overrides: string[] }>();
  const invalid: AgentIssue[] = [];
  const fileWarnings: AgentIssue[] = [];
  folders.forEach((folder, i) => {
    const origin = (sources[i] as (typeof sources)[number]).origin;
    invalid.push(...folder.issues);
    fileWarnings.push(...folder.warnings);
    for (const { file, fields } of folder.agents) {
      const shadowed = merged.get(fields.name);
      const overrides = shadowed === undefined ? [] : [...shadowed.overrides, shadowed.source];
      merged.set(fields.name, { fields, source: file, origin, overrides });
    }
  });

  const agents = new Map<string, AgentDefinition>();
  for (const name of [...merged.keys()].sort()) {
    const entry = merged.get(name) as NonNullable<ReturnType<typeof merged.get>>;
    const definition = freezeDefinition({ ...entry.fields, source: entry.source, origin: entry.origin, overrides: entry.overrides });
    const before = previous?.agents.get(name);
    agents.set(name, before !== undefined && sameDefinition(before, definition) ? before : definition);
  }

  const { teams, issues: teamIssues, warnings } = await readTeams(teamsFilePath(options.workspace), agents);
  invalid.push(...teamIssues);
  const snapshot: RegistrySnapshot = Object.freeze({
    version: (previous?.version ?? 0) + 1,
    agents,
    invalid: Object.freeze(invalid),
    teams,
    warnings: Object.freeze([...fileWarnings, ...warnings]),
    phases: Object.freeze([...options.phases]),
  });
  return { snapshot, cache };
}

async function readTeams(
  file: string,
  agents: ReadonlyMap<string, AgentDefinition>,
): Promise<{ teams: Map<string, readonly string[]>; issues: readonly AgentIssue[]; warnings: AgentIssue[] }> {
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!isErrno(error, 'ENOENT') && !isErrno(error, 'ENOTDIR')) throw error;
  }
  const parsed: ReturnType<typeof parseTeamsFile> = text === undefined ? { teams: new Map(), issues: [] } : parseTeamsFile(text, file);
  const teams = new Map<string, string[]>();
  const warnings: AgentIssue[] = [];
  const names = [...agents.keys()];
  for (const [team, members] of parsed.teams) {
    const known: string[] = [];
    for (const member of members) {
      if (agents.has(member.name)) {
        if (!known.includes(member.name)) known.push(member.name);
        continue;
      }
      const near = closestMatch(member.name, names);
      warnings.push({
        file,
        line: member.line,
        message: `team '${team}' names unknown agent '${member.name}'`,
        hint: near === undefined ? 'add an agent file with that name or remove it from the team' : `did you mean '${near}'?`,
      });
    }
    teams.set(team, known);
  }
  // An agent's own `team:` key counts as membership too.
  for (const agent of agents.values()) {
    if (agent.team === undefined) continue;
    const members = teams.get(agent.team) ?? [];
    if (!members.includes(agent.name)) members.push(agent.name);
    teams.set(agent.team, members);
  }
  for (const [team, members] of teams) teams.set(team, Object.freeze(members) as string[]);
  return { teams, issues: parsed.issues, warnings };
}

function freezeDefinition(definition: AgentDefinition): AgentDefinition {
  return Object.freeze({
    ...definition,
    tools: definition.tools === undefined ? undefined : Object.freeze([...definition.tools]),
    phases: Object.freeze([...definition.phases]),
    overrides: Object.freeze([...definition.overrides]),
  });
}

function sameDefinition(a: AgentDefinition, b: AgentDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
