import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { AgentRegistry } from '../orchestrator/agents/agent-registry';
import type { AgentDefinition, RegistrySnapshot } from '../orchestrator/agents/agent-types';
import type { NewAgent } from '../orchestrator/agents/render-agent-file';
import { loadPlan } from '../orchestrator/plan/load-plan';
import { auditedLocally } from '../orchestrator/audit/audit-log';
import type { WorkspacePaths } from '../orchestrator/workspace/workspace-paths';
import type { Roadmap } from '../protocol/domain';
import type { RunSnapshot } from '../protocol/run-snapshot';
import { describeError } from './describe-error';
import { readEditorConfig } from './editor-config';
import { latestRunId } from './latest-run';
import { runNotices, type Notice } from './model/run-notices';
import { RunFollower } from './run-follower';

/**
 * What the views show for one workspace: the followed run (live from its log), the plan picked
 * with "Orch: Plan" or the default roadmap, and the agent registry. Views subscribe to onDidChange.
 */
export class OrchSession implements vscode.Disposable {
  private follower: RunFollower | undefined;
  private registry: AgentRegistry | undefined;
  private planned: Roadmap | undefined;
  /** True after "Orch: Plan" until a new run starts: the plan is what the user asked to see. */
  private showingPlan = false;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly noticed = new vscode.EventEmitter<Notice>();
  /** Blocked and failed tasks, pauses, the end of a run: seen live in the followed run's log. */
  readonly onNotice = this.noticed.event;

  constructor(
    readonly paths: WorkspacePaths,
    private readonly extensionPath: string,
    private readonly output: vscode.OutputChannel,
  ) {}

  get run(): RunSnapshot | undefined {
    return this.follower?.current;
  }

  get plan(): Roadmap | undefined {
    return this.planned;
  }

  get mode(): 'run' | 'plan' | 'empty' {
    if (this.showingPlan && this.planned !== undefined) return 'plan';
    if (this.run !== undefined) return 'run';
    return this.planned === undefined ? 'empty' : 'plan';
  }

  get agents(): RegistrySnapshot | undefined {
    return this.registry?.snapshot;
  }

  /** Follows the newest run in `.orch/runs/` (switching from an older one, or from a plan). */
  async followLatest(): Promise<void> {
    const runId = await latestRunId(this.paths);
    if (runId === undefined) return;
    const file = this.paths.eventsFile(runId);
    if (this.follower?.file === file) {
      this.follower.refresh();
      return;
    }
    this.follower?.dispose();
    this.showingPlan = false;
    let seen: RunSnapshot | undefined;
    const follower = new RunFollower(
      file,
      (snapshot) => {
        const notices = runNotices(seen, snapshot);
        seen = snapshot;
        this.changed.fire();
        for (const notice of notices) this.noticed.fire(notice);
      },
      (error) => this.report(`following ${file}`, error),
    );
    this.follower = follower;
    await follower.start();
    seen = follower.current;
    this.output.appendLine(`following run ${runId}: ${file}`);
    this.changed.fire();
  }

  /** Loads a roadmap and its PRDs and shows the plan tree. Throws InputError on a bad file. */
  async showPlan(roadmapFile: string): Promise<Roadmap> {
    const { config } = await readEditorConfig(this.paths);
    this.planned = await loadPlan({ roadmapFile, workspaceDir: this.paths.root, phases: config.phases });
    this.showingPlan = true;
    this.changed.fire();
    return this.planned;
  }

  /**
   * The plan of `orch.defaultRoadmap`, shown while there is no run. Quiet when unset. Returns
   * the settings that are invalid (and ignored), for the adapter to tell the user.
   */
  async loadDefaultPlan(): Promise<readonly string[]> {
    const { defaultRoadmap, problems } = await readEditorConfig(this.paths);
    for (const problem of problems) this.output.appendLine(`settings: ${problem}`);
    if (defaultRoadmap === undefined) return problems;
    const file = isAbsolute(defaultRoadmap) ? defaultRoadmap : join(this.paths.root, defaultRoadmap);
    try {
      this.planned = await loadPlan({ roadmapFile: file, workspaceDir: this.paths.root });
      this.changed.fire();
    } catch (error) {
      this.report(`orch.defaultRoadmap ${file}`, error);
      return [...problems, `orch.defaultRoadmap: ${describeError(error)}`];
    }
    return problems;
  }

  /** Starts the registry (and its file watchers) the first time the Agents view asks. */
  async loadAgents(): Promise<void> {
    if (this.registry !== undefined) return;
    const { config } = await readEditorConfig(this.paths);
    this.registry = await AgentRegistry.open({
      workspace: this.paths.root,
      builtinDir: join(this.extensionPath, 'agents'),
      homeDir: homedir(),
      phases: config.phases,
      onError: (error) => this.report('agent registry', error),
    });
    this.registry.onChange(() => this.changed.fire());
    this.changed.fire();
  }

  /** Writes `.orch/agents/<name>.md` through the registry, which validates it and reloads. */
  async addAgent(agent: NewAgent): Promise<AgentDefinition> {
    await this.loadAgents();
    const registry = this.registry;
    if (registry === undefined) throw new Error('the agent registry did not load');
    return auditedLocally(this.paths, 'vscode', { action: 'agent.add', target: agent.name }, () => registry.addAgent(agent));
  }

  async reloadAgents(): Promise<void> {
    if (this.registry === undefined) await this.loadAgents();
    else await this.registry.reload();
  }

  async refresh(): Promise<void> {
    this.follower?.refresh();
    await this.followLatest();
    await this.registry?.reload();
    this.changed.fire();
  }

  report(what: string, error: unknown): void {
    this.output.appendLine(`error: ${what}: ${describeError(error)}`);
  }

  dispose(): void {
    this.follower?.dispose();
    this.registry?.dispose();
    this.changed.dispose();
    this.noticed.dispose();
  }
}
