import { readdirSync } from 'node:fs';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEFAULT_PHASES } from '../../protocol/domain';
import { InputError, InputErrors } from '../errors';
import type { AgentDefinition, RegistryChange, RegistrySnapshot } from './agent-types';
import { agentSources, teamsFilePath, workspaceAgentsDir, type AgentSourceOptions } from './agent-sources';
import { buildSnapshot } from './build-snapshot';
import { closestMatch } from './closest-match';
import { isErrno, type ParseCache } from './load-agent-folder';
import { parseAgentFile } from './parse-agent-file';
import { PathWatcher } from './path-watcher';
import { renderAgentFile, type NewAgent } from './render-agent-file';
import { diffSnapshots } from './snapshot-diff';
import { setTeamInText } from './teams-file';

export interface AgentRegistryOptions extends AgentSourceOptions {
  readonly phases?: readonly string[];
  /** Quiet time after the last file event before a reload (editors write in bursts). */
  readonly debounceMs?: number;
  /** Watch the folders and reload on change (default true; one-shot readers such as `orch agents` pass false). */
  readonly watch?: boolean;
  /** Errors of background reloads and of listeners; the registry keeps its last good snapshot. */
  readonly onError?: (error: unknown) => void;
}

export type RegistryListener = (change: RegistryChange) => void;

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The merged agent registry. Files are the source of truth: the mutating methods write files and
 * reload; the watchers reload on any outside edit. Readers always see one whole snapshot.
 */
export class AgentRegistry {
  private current: RegistrySnapshot;
  private cache: ParseCache;
  private readonly listeners = new Set<RegistryListener>();
  private readonly watchers: PathWatcher[] = [];
  /** Agents load from subfolders too; inotify is not recursive, so each subfolder gets its own watch. */
  private readonly subfolderWatchers = new Map<string, PathWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(
    private readonly options: AgentRegistryOptions & { readonly phases: readonly string[] },
    initial: { snapshot: RegistrySnapshot; cache: ParseCache },
  ) {
    this.current = initial.snapshot;
    this.cache = initial.cache;
  }

  static async open(options: AgentRegistryOptions): Promise<AgentRegistry> {
    const resolved = { ...options, phases: options.phases ?? DEFAULT_PHASES };
    const registry = new AgentRegistry(resolved, await buildSnapshot(resolved, undefined));
    if (options.watch !== false) registry.startWatching();
    return registry;
  }

  get snapshot(): RegistrySnapshot {
    return this.current;
  }

  get(name: string): AgentDefinition | undefined {
    return this.current.agents.get(name);
  }

  /** Called after each reload that changed something; returns the unsubscribe function. */
  onChange(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Rebuilds from disk now (after any reload already under way); resolves with what changed. */
  reload(): Promise<RegistryChange | undefined> {
    const next = this.queue.then(() => this.rebuild());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Writes `<workspace>/.orch/agents/<name>.md` and returns the agent once loaded. */
  async addAgent(agent: NewAgent, options: { overwrite?: boolean } = {}): Promise<AgentDefinition> {
    if (!NAME.test(agent.name)) {
      throw new InputError(`invalid agent name '${agent.name}'`, undefined, 'use lowercase letters, digits and hyphens, e.g. api-designer');
    }
    const file = join(workspaceAgentsDir(this.options.workspace), `${agent.name}.md`);
    const existing = this.get(agent.name);
    if (existing?.origin === 'workspace-orch' && existing.source !== file) {
      throw new InputError(`agent '${agent.name}' is already defined`, { file: existing.source }, 'edit that file, or remove the agent first');
    }
    if (options.overwrite !== true && existing?.source === file) {
      throw new InputError(`agent '${agent.name}' already exists`, { file }, 'pass overwrite: true to replace it, or edit the file');
    }
    const text = renderAgentFile(agent);
    const parsed = parseAgentFile(text, file, this.options.phases);
    // A file Orch writes itself has no excuse for what Claude Code would merely skip over.
    const problems = parsed.ok ? parsed.warnings : parsed.issues;
    if (problems.length > 0) throw new InputErrors(problems.map((issue) => new InputError(issue.message, { file, line: issue.line }, issue.hint)));
    await writeAtomically(file, text);
    await this.reload();
    const loaded = this.get(agent.name);
    if (loaded === undefined) throw new Error(`agent '${agent.name}' was written to ${file} but did not load`);
    return loaded;
  }

  /**
   * Deletes the workspace file that defines `name`; a lower-precedence definition of the same
   * name (a built-in, say) becomes active again and is returned.
   */
  async removeAgent(name: string): Promise<{ removed: string; active: AgentDefinition | undefined }> {
    const agent = this.get(name);
    if (agent === undefined) {
      const near = closestMatch(name, [...this.current.agents.keys()]);
      throw new InputError(`no agent named '${name}'`, undefined, near === undefined ? 'run orch agents to list them' : `did you mean '${near}'?`);
    }
    if (agent.origin === 'builtin') {
      throw new InputError(
        `'${name}' is a built-in agent and cannot be removed`,
        { file: agent.source },
        `to replace it, add an agent named ${name} to .orch/agents/; to stop using it, leave it out of your teams`,
      );
    }
    if (agent.origin === 'user') {
      throw new InputError(`'${name}' is defined in your home folder, outside the workspace`, { file: agent.source }, 'delete that file yourself if you mean to');
    }
    await unlink(agent.source);
    await this.reload();
    return { removed: agent.source, active: this.get(name) };
  }

  /** Sets one team's members in `.orch/teams.yaml` (an empty list removes the team). */
  async setTeam(team: string, agents: readonly string[]): Promise<void> {
    const file = teamsFilePath(this.options.workspace);
    if (team.trim() === '') throw new InputError('a team needs a name', { file }, 'pass a non-empty team name');
    const names = [...this.current.agents.keys()];
    const unknown = agents.filter((agent) => !this.current.agents.has(agent));
    if (unknown.length > 0) {
      throw new InputErrors(
        unknown.map((agent) => {
          const near = closestMatch(agent, names);
          return new InputError(`no agent named '${agent}'`, { file }, near === undefined ? 'add the agent first' : `did you mean '${near}'?`);
        }),
      );
    }
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
    await writeAtomically(file, setTeamInText(text, file, team, [...new Set(agents)]));
    await this.reload();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const watcher of [...this.watchers, ...this.subfolderWatchers.values()]) watcher.close();
    this.watchers.length = 0;
    this.subfolderWatchers.clear();
    this.listeners.clear();
  }

  private startWatching(): void {
    const schedule = (): void => this.scheduleReload();
    for (const source of agentSources(this.options)) this.watchers.push(new PathWatcher(source.dir, schedule));
    const teamsFile = teamsFilePath(this.options.workspace);
    this.watchers.push(new PathWatcher(dirname(teamsFile), schedule, (name) => name === 'teams.yaml'));
    this.watchSubfolders();
  }

  private watchSubfolders(): void {
    if (this.watchers.length === 0) return;
    const present = new Set(agentSources(this.options).flatMap((source) => subfolders(source.dir)));
    for (const [dir, watcher] of this.subfolderWatchers) {
      if (present.has(dir)) continue;
      watcher.close();
      this.subfolderWatchers.delete(dir);
    }
    for (const dir of present) {
      if (!this.subfolderWatchers.has(dir)) this.subfolderWatchers.set(dir, new PathWatcher(dir, () => this.scheduleReload()));
    }
  }

  private scheduleReload(): void {
    if (this.disposed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reload().catch((error: unknown) => this.reportError(error));
    }, this.options.debounceMs ?? 75);
  }

  private async rebuild(): Promise<RegistryChange | undefined> {
    if (this.disposed) return undefined;
    // Re-point watches first, so a file created while the folders are read still raises an event.
    for (const watcher of this.watchers) watcher.rearm();
    this.watchSubfolders();
    const built = await buildSnapshot(this.options, this.current, this.cache);
    if (this.disposed) return undefined;
    this.cache = built.cache;
    const change = diffSnapshots(this.current, built.snapshot);
    if (change === undefined) return undefined;
    this.current = built.snapshot;
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.reportError(error);
      }
    }
    return change;
  }

  private reportError(error: unknown): void {
    if (this.options.onError !== undefined) this.options.onError(error);
    else process.emitWarning(error instanceof Error ? error : String(error), 'AgentRegistryWarning');
  }
}

function subfolders(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .flatMap((entry) => [join(dir, entry.name), ...subfolders(join(dir, entry.name))]);
}

/** Write then rename, so the watcher (and a concurrent reader) never sees half a file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // The temporary name does not end in .md, so a reload in between never parses it.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}
