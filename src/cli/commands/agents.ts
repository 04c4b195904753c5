import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { relative, resolve, sep } from 'node:path';
import type { AgentDefinition, AgentIssue, RegistrySnapshot } from '../../orchestrator/agents/agent-types';
import { loadConfig } from '../../orchestrator/config/orch-config';
import { InputError } from '../../orchestrator/errors';
import { workspacePaths } from '../../orchestrator/workspace/workspace-paths';
import { type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { workspaceAgents } from '../workspace-agents';
import { parseCommandArgs } from '../run-cli';

/** `orch agents [--json] [--workspace DIR]`: the merged registry; invalid files are listed, not fatal. */
export const agentsCommand: Command = async (args, io) => {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, workspace: { type: 'string' } }, { min: 0, max: 0, names: 'no arguments' });
  const workspace = resolve(io.cwd, values.workspace ?? '.');
  if (!isDirectory(workspace)) throw new InputError(`workspace ${workspace} is not a directory`, undefined, 'pass --workspace with an existing folder');
  const config = await loadConfig(workspacePaths(workspace).configFile);
  const homeDir = io.env.HOME ?? homedir();
  const snapshot = await workspaceAgents(io, workspace, config.phases);

  if (values.json === true) {
    io.out(JSON.stringify(agentsJson(snapshot), null, 2));
    return EXIT.ok;
  }
  io.out(agentsTable(snapshot, { workspace, homeDir }));
  for (const issue of snapshot.invalid) io.err(`orch: skipped ${formatIssue(issue)}`);
  for (const issue of snapshot.warnings) io.err(`orch: warning: ${formatIssue(issue)}`);
  return EXIT.ok;
};

/**
 * docs/design.md §4: `{agents:[{name,description,model,provider,tools,team,phases,source}], invalid:[{file,line,message}]}`,
 * plus `teams` (teams.yaml merged with the agents' own team keys) and `warnings` (problems that skip nothing).
 * `tools` is null when the agent inherits every tool.
 */
function agentsJson(snapshot: RegistrySnapshot) {
  const issue = (i: AgentIssue) => ({ file: i.file, line: i.line, message: `${i.message} (${i.hint})` });
  return {
    agents: [...snapshot.agents.values()].map((agent) => ({
      name: agent.name,
      description: agent.description,
      model: agent.model,
      provider: agent.provider,
      tools: agent.tools ?? null,
      team: teamOf(agent, snapshot),
      phases: agent.phases,
      source: agent.source,
    })),
    invalid: snapshot.invalid.map(issue),
    teams: Object.fromEntries(snapshot.teams),
    warnings: snapshot.warnings.map(issue),
  };
}

/** The agent's own `team`, else the first team in teams.yaml that lists it. */
function teamOf(agent: AgentDefinition, snapshot: RegistrySnapshot): string | null {
  if (agent.team !== undefined) return agent.team;
  for (const [team, members] of snapshot.teams) if (members.includes(agent.name)) return team;
  return null;
}

function agentsTable(snapshot: RegistrySnapshot, where: { workspace: string; homeDir: string }): string {
  const rows = [...snapshot.agents.values()].map((agent) => [
    agent.name,
    agent.model,
    agent.provider,
    teamOf(agent, snapshot) ?? '-',
    agent.phases.join(',') || '-',
    shortSource(agent, where) + (agent.overrides.length > 0 ? ` (overrides ${agent.overrides.length})` : ''),
  ].map((cell, i, cells) => (i === cells.length - 1 ? cell : cut(cell))));
  const header = ['NAME', 'MODEL', 'PROVIDER', 'TEAM', 'PHASES', 'SOURCE'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  const invalid = new Set(snapshot.invalid.map((i) => i.file)).size;
  const summary = `${rows.length} agent(s)${invalid > 0 ? `, ${invalid} invalid file(s) skipped (listed on stderr)` : ''}`;
  return [line(header), ...rows.map(line), '', summary].join('\n');
}

// A padded column is as wide as its widest cell: a long team or model name would widen every row.
const MAX_CELL = 40;

function cut(cell: string): string {
  return cell.length > MAX_CELL ? `${cell.slice(0, MAX_CELL - 1)}…` : cell;
}

function shortSource(agent: AgentDefinition, where: { workspace: string; homeDir: string }): string {
  if (agent.origin === 'builtin') return `built-in/${agent.source.split(sep).pop() ?? agent.source}`;
  const inside = (root: string) => {
    const rel = relative(root, agent.source);
    return rel.startsWith('..') ? undefined : rel;
  };
  if (agent.origin === 'user') return `~/${inside(where.homeDir) ?? agent.source}`;
  return inside(where.workspace) ?? agent.source;
}

function formatIssue(issue: AgentIssue): string {
  return `${issue.file}:${issue.line}: ${issue.message} (${issue.hint})`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
