import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSnapshot } from '../orchestrator/agents/build-snapshot';
import type { RegistrySnapshot } from '../orchestrator/agents/agent-types';
import { loadConfig, type OrchConfig } from '../orchestrator/config/orch-config';
import { resolveClaudePath } from '../orchestrator/config/resolve-claude-path';
import { workspacePaths, type WorkspacePaths } from '../orchestrator/workspace/workspace-paths';
import type { CliIo } from './cli-io';
import { packageRoot } from './package-root';

export interface RunSetup {
  readonly paths: WorkspacePaths;
  readonly config: OrchConfig;
  readonly registry: RegistrySnapshot;
  readonly claudePath: string;
}

/** What `run`, `resume` and `demo` share: the workspace, its config, the agents, the CLI binary. */
export async function prepareRun(io: CliIo, options: { workspace?: string; claudePath?: string }): Promise<RunSetup> {
  const root = resolve(io.cwd, options.workspace ?? '.');
  const paths = workspacePaths(root);
  const config = await loadConfig(paths.configFile);
  const home = packageRoot();
  const { snapshot } = await buildSnapshot(
    { workspace: root, builtinDir: join(home, 'agents'), homeDir: io.env.HOME ?? homedir(), phases: config.phases },
    undefined,
  );
  for (const issue of snapshot.invalid) io.err(`orch: warning: skipped ${issue.file}:${issue.line}: ${issue.message} (${issue.hint})`);
  const claudePath = resolveClaudePath({ flag: options.claudePath, env: io.env, configPath: config.claudePath, packageRoot: home });
  return { paths, config, registry: snapshot, claudePath };
}

/** Ctrl-C (or SIGTERM from `orch cancel`) cancels cleanly; a second Ctrl-C leaves at once. */
export function cancelOnSignals(io: CliIo): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    io.err(`orch: ${name}: cancelling the run (agents are being stopped; press Ctrl-C again to leave at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
