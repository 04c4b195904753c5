import { resolve } from 'node:path';
import type { RegistrySnapshot } from '../orchestrator/agents/agent-types';
import { loadConfig, type OrchConfig } from '../orchestrator/config/orch-config';
import { withModelsFromEnv } from '../orchestrator/config/models-env';
import { resolveClaudePath } from '../orchestrator/config/resolve-claude-path';
import { startExecHelper } from '../orchestrator/engine/exec-helpers';
import { PauseGate } from '../orchestrator/engine/pause-gate';
import { resolveChromiumPath } from '../orchestrator/engine/verify-browser';
import type { PlanNeeds } from '../orchestrator/preflight/plan-needs';
import { preflight } from '../orchestrator/preflight/preflight';
import { nodePreflightPorts } from '../orchestrator/preflight/preflight-ports';
import { workspacePaths, type WorkspacePaths } from '../orchestrator/workspace/workspace-paths';
import type { CliIo } from './cli-io';
import { EXIT } from '../protocol/exit-codes';
import { packageRoot } from './package-root';
import { workspaceAgents } from './workspace-agents';

export interface RunSetup {
  readonly paths: WorkspacePaths;
  readonly config: OrchConfig;
  readonly registry: RegistrySnapshot;
  readonly claudePath: string;
  /** How the user chose that path, for messages about it. */
  readonly claudePathFrom: string;
}

/** What `run`, `resume` and `demo` share: the workspace, its config, the agents, the CLI binary. */
export async function prepareRun(io: CliIo, options: { workspace?: string; claudePath?: string }): Promise<RunSetup> {
  const root = resolve(io.cwd, options.workspace ?? '.');
  const paths = workspacePaths(root);
  const config = withModelsFromEnv(await loadConfig(paths.configFile), io.env);
  const home = packageRoot();
  const snapshot = await workspaceAgents(io, root, config.phases);
  for (const issue of snapshot.invalid) io.err(`orch: warning: skipped ${issue.file}:${issue.line}: ${issue.message} (${issue.hint})`);
  const claudePath = resolveClaudePath({ flag: options.claudePath, env: io.env, configPath: config.claudePath, packageRoot: home });
  const claudePathFrom =
    options.claudePath !== undefined
      ? 'from --claude-path'
      : nonEmpty(io.env.ORCH_CLAUDE_PATH)
        ? 'from ORCH_CLAUDE_PATH'
        : config.claudePath !== undefined
          ? `from "claudePath" in ${paths.configFile}`
          : "found on PATH or in Orch's node_modules";
  return { paths, config, registry: snapshot, claudePath, claudePathFrom };
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

/**
 * The preflight of `run` and `resume`: before the lock, the log or a worktree exists, and before
 * any model call. Prints one `orch: preflight:` line per problem; true when the run may start.
 */
export async function passesPreflight(io: CliIo, setup: RunSetup, run: { needs: PlanNeeds; git: boolean; setupCommand?: string }): Promise<boolean> {
  // The run's git work goes through a helper process: it boots while the checks run.
  if (run.git) startExecHelper();
  const problems = await preflight(
    {
      workspace: setup.paths.root,
      env: io.env,
      needs: run.needs,
      claudePath: setup.claudePath,
      claudePathFrom: setup.claudePathFrom,
      chromiumPath: resolveChromiumPath(setup.config.chromiumPath, io.env),
      git: run.git,
      // Without git there are no worktrees to set up.
      setupCommand: run.git ? (run.setupCommand ?? setup.config.worktree?.setup) : undefined,
    },
    nodePreflightPorts,
  );
  for (const problem of problems) io.err(`orch: preflight: ${problem}`);
  return problems.length === 0;
}

/**
 * Ctrl-C (or SIGTERM from `orch cancel`) cancels cleanly; a second Ctrl-C leaves at once.
 * SIGUSR1 and SIGUSR2 pause and resume (sent by the dashboard or the editor, see engine/request-run-control.ts).
 */
export function cancelOnSignals(io: CliIo): { readonly signal: AbortSignal; readonly pause: PauseGate; dispose(): void } {
  const controller = new AbortController();
  const pause = new PauseGate();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.cancelled);
    io.err(`orch: ${name}: cancelling the run (agents are being stopped; press Ctrl-C again to leave at once)`);
    controller.abort();
  };
  const onPause = () => {
    io.err('orch: pause requested: no new task starts; running ones finish');
    pause.pause('a pause request');
  };
  const onResume = () => {
    io.err('orch: resume requested');
    pause.resume();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGUSR1', onPause);
  process.on('SIGUSR2', onResume);
  return {
    signal: controller.signal,
    pause,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGUSR1', onPause);
      process.off('SIGUSR2', onResume);
    },
  };
}
