import { join } from 'node:path';
import type { AgentOrigin } from './agent-types';

export interface AgentSourceOptions {
  /** The workspace root (holds `.claude/agents/` and `.orch/`). */
  readonly workspace: string;
  /** Orch's shipped `agents/` folder; the adapter resolves it relative to its bundle. */
  readonly builtinDir: string;
  /** The user's home directory (tests pass a temp dir). */
  readonly homeDir: string;
}

export interface AgentSource {
  readonly origin: AgentOrigin;
  readonly dir: string;
}

/** The agent folders, from the lowest to the highest precedence: later ones override by name. */
export function agentSources(options: AgentSourceOptions): readonly AgentSource[] {
  return [
    { origin: 'builtin', dir: options.builtinDir },
    { origin: 'user', dir: join(options.homeDir, '.claude', 'agents') },
    { origin: 'workspace-claude', dir: join(options.workspace, '.claude', 'agents') },
    { origin: 'workspace-orch', dir: workspaceAgentsDir(options.workspace) },
  ];
}

/** Where `addAgent` writes: the workspace's own Orch folder, the highest precedence. */
export function workspaceAgentsDir(workspace: string): string {
  return join(workspace, '.orch', 'agents');
}

export function teamsFilePath(workspace: string): string {
  return join(workspace, '.orch', 'teams.yaml');
}
