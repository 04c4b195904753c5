import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MODELS_ENV, modelsEnvValue } from '../orchestrator/config/models-env';
import type { OrchConfig } from '../orchestrator/config/orch-config';
import { AUDIT_ACTOR_ENV } from '../orchestrator/audit/audit-entry';
import type { EditorConfig } from './model/settings-config';

export interface CliRunRequest {
  readonly extensionPath: string;
  readonly workspace: string;
  /** `orch` arguments, from cliRunArgs or cliResumeArgs. */
  readonly args: readonly string[];
  /** Secrets for the agents and settings for the CLI: they travel only in the child's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

const PREFLIGHT = 'orch: preflight: ';

/** The `orch run` arguments for the editor's settings: never a secret among them. */
export function cliRunArgs(request: { workspace: string; roadmapFile: string; milestones: readonly string[]; config: OrchConfig; noGit?: boolean }): string[] {
  const { config } = request;
  return [
    'run',
    request.roadmapFile,
    '--workspace',
    request.workspace,
    '--parallel',
    String(config.parallel),
    ...(config.budgetUsd === undefined ? [] : ['--budget', String(config.budgetUsd)]),
    ...(config.claudePath === undefined ? [] : ['--claude-path', config.claudePath]),
    '--no-dashboard',
    ...(request.noGit === true ? ['--no-git'] : []),
    ...request.milestones.flatMap((m) => ['--milestone', m]),
  ];
}

/** `orch resume`: the budget setting raises a paused run's budget; `tasks` retries only those. */
export function cliResumeArgs(request: { workspace: string; runId: string; config: OrchConfig; tasks?: readonly string[]; noGit?: boolean }): string[] {
  const { config } = request;
  return [
    'resume',
    request.runId,
    '--workspace',
    request.workspace,
    ...(config.budgetUsd === undefined ? [] : ['--budget', String(config.budgetUsd)]),
    ...(config.claudePath === undefined ? [] : ['--claude-path', config.claudePath]),
    '--no-dashboard',
    ...(request.noGit === true ? ['--no-git'] : []),
    ...(request.tasks ?? []).flatMap((id) => ['--task', id]),
  ];
}

/**
 * Settings the CLI takes from its environment rather than argv (which every local user can read
 * in `ps`): `orch.models`, validated here, merged by the CLI over .orch/config.json.
 */
export function cliSettingsEnv(editor: EditorConfig): Record<string, string> {
  const models = modelsEnvValue(editor.settingsModels);
  return models === undefined ? {} : { [MODELS_ENV]: models };
}

/**
 * A run in its own `orch` process (the bundled CLI beside the extension). A child keeps a crash of
 * the engine or an agent from taking the extension host down, and SIGTERM gives the CLI's own
 * clean cancel: it stops its agents and writes the events (it is the log's only writer).
 */
export class CliRun {
  readonly exit: Promise<number | null>;
  private readonly child: ChildProcess;
  private lastError: string | undefined;
  private readonly preflight: string[] = [];

  constructor(request: CliRunRequest) {
    const args = [join(request.extensionPath, 'dist', 'cli.js'), ...request.args];
    // In desktop VS Code execPath is Electron: ELECTRON_RUN_AS_NODE makes it a plain Node.
    this.child = spawn(process.execPath, args, {
      cwd: request.workspace,
      env: { ...process.env, ...request.env, ELECTRON_RUN_AS_NODE: '1', [AUDIT_ACTOR_ENV]: 'vscode' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (this.child.stdout !== null) createInterface({ input: this.child.stdout }).on('line', request.log);
    if (this.child.stderr !== null) {
      createInterface({ input: this.child.stderr }).on('line', (line) => {
        if (line.trim() !== '') this.lastError = line;
        if (line.startsWith(PREFLIGHT)) this.preflight.push(line.slice(PREFLIGHT.length));
        request.log(line);
      });
    }
    this.exit = new Promise((resolve) => {
      this.child.on('error', (error) => {
        request.log(`orch: could not start ${process.execPath}: ${error.message}`);
        resolve(null);
      });
      this.child.on('exit', (code, signal) => {
        request.log(`orch ${request.args[0] ?? ''} exited ${code ?? signal}`);
        resolve(code);
      });
    });
  }

  /**
   * Why the CLI stopped early: every problem its preflight found (one line each), else the last
   * line it wrote to stderr (a lock held, bad input).
   */
  get lastErrorLine(): string | undefined {
    return this.preflight.length > 0 ? `${PREFLIGHT}${this.preflight.join('; ')}` : this.lastError;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Asks the CLI to cancel; it exits 130 once its agents are stopped. */
  cancel(): void {
    if (this.running) this.child.kill('SIGTERM');
  }
}
