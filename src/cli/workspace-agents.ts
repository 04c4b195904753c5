import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RegistrySnapshot } from '../orchestrator/agents/agent-types';
import { buildSnapshot } from '../orchestrator/agents/build-snapshot';
import type { CliIo } from './cli-io';
import { packageRoot } from './package-root';

/** The agents a CLI command sees in `workspace`: Orch's built-ins, then the user's and the workspace's folders. */
export async function workspaceAgents(io: CliIo, workspace: string, phases: readonly string[]): Promise<RegistrySnapshot> {
  const { snapshot } = await buildSnapshot({ workspace, builtinDir: join(packageRoot(), 'agents'), homeDir: io.env.HOME ?? homedir(), phases }, undefined);
  return snapshot;
}
