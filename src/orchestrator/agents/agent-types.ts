import type { Provider } from '../../protocol/domain';

/** Where an agent file was found, from the lowest to the highest precedence. */
export type AgentOrigin = 'builtin' | 'user' | 'workspace-claude' | 'workspace-orch';

/**
 * One agent as a running attempt sees it. Frozen: a reload builds new objects, so an attempt that
 * holds one keeps exactly the definition it started with.
 */
export interface AgentDefinition {
  readonly name: string;
  readonly description: string;
  /** The Markdown body: the agent's system prompt. */
  readonly prompt: string;
  /** Allowed tools as written (`Bash(git diff:*)` keeps its specifier); undefined inherits all. */
  readonly tools: readonly string[] | undefined;
  /** A Claude Code alias (`opus`, `sonnet`, `haiku`, `inherit`), a full Claude id, or an OpenAI id. */
  readonly model: string;
  readonly provider: Provider;
  readonly team: string | undefined;
  readonly phases: readonly string[];
  readonly maxParallel: number | undefined;
  readonly budgetUsd: number | undefined;
  /** Every other frontmatter key (Claude Code's `color`, `permissionMode`, `hooks`...), kept as written. */
  readonly extra: Readonly<Record<string, unknown>>;
  /** The file this definition was read from. */
  readonly source: string;
  readonly origin: AgentOrigin;
  /** Files of lower precedence that define the same name and are shadowed by this one. */
  readonly overrides: readonly string[];
}

/** A problem found in an agent or teams file: reported, that file (or entry) skipped, the rest loads. */
export interface AgentIssue {
  readonly file: string;
  readonly line: number;
  readonly message: string;
  /** One line saying how to fix it. */
  readonly hint: string;
}

/** An immutable view of the registry; a reload swaps in a whole new one. */
export interface RegistrySnapshot {
  /** Increases by one with every reload that changed something. */
  readonly version: number;
  /** By name, sorted by name. */
  readonly agents: ReadonlyMap<string, AgentDefinition>;
  /** Files skipped because they are invalid (agent files, or a teams file that cannot be read). */
  readonly invalid: readonly AgentIssue[];
  /** Team name to its members: `.orch/teams.yaml` entries plus the agents' own `team` keys. */
  readonly teams: ReadonlyMap<string, readonly string[]>;
  /** Problems that skip nothing, such as a team naming an agent that does not exist. */
  readonly warnings: readonly AgentIssue[];
  readonly phases: readonly string[];
}

/** What a reload changed, by agent name. */
export interface RegistryChange {
  readonly snapshot: RegistrySnapshot;
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  /** Every invalid file after the reload (not only new ones), so a listener can replace its list. */
  readonly invalid: readonly AgentIssue[];
  readonly teamsChanged: boolean;
}
