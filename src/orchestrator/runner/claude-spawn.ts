// Everything that decides what one `claude -p` process is: binary, argv, environment, working
// folder, and the contents of the files its argv names. A process started ahead of its attempt
// (warm-starts.ts) is used only when this whole description equals the one its dispatch makes.

import { isDeepStrictEqual } from 'node:util';
import { writeFileSync } from 'node:fs';
import type { ArtifactFiles } from './artifact-files';
import type { AttemptRequest } from './attempt-request';
import { claudeArgs, claudeEnv, orchMcpConfig, type InvocationFiles, type InvocationPlan } from './claude-args';
import type { ToolSession } from './mcp/orch-tool-server';

export interface SpawnFile {
  readonly path: string;
  readonly content: string;
  /** Files holding the attempt's tool secret are private. */
  readonly mode?: number;
}

export interface SpawnSpec {
  readonly binary: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly files: readonly SpawnFile[];
}

/** What a process is given that no other process shares: made once, handed over with a warm process. */
export interface SpawnIdentity {
  /** `ORCH_ATTEMPT_MARKER=<uuid>`: found in the environment of every descendant. */
  readonly marker: string;
  readonly sessionId?: string;
  readonly tools?: ToolSession;
}

export function spawnSpec(req: AttemptRequest, plan: InvocationPlan, files: ArtifactFiles, identity: SpawnIdentity): SpawnSpec {
  const written: SpawnFile[] = [];
  const named: { -readonly [K in keyof InvocationFiles]: InvocationFiles[K] } = {};
  if (req.systemPrompt.trim() !== '') {
    named.systemPromptFile = files.path('system-prompt.md');
    written.push({ path: named.systemPromptFile, content: req.systemPrompt });
  }
  const tools = identity.tools;
  if (tools !== undefined) {
    named.mcpConfig = files.path('mcp-config.json');
    written.push({ path: named.mcpConfig, content: orchMcpConfig(tools), mode: 0o600 });
  }
  const session = identity.sessionId === undefined || plan.resumeSessionId !== undefined ? plan : { ...plan, sessionId: identity.sessionId };
  return { binary: req.claudePath, args: claudeArgs(req, session, named), env: claudeEnv(req, identity.marker), cwd: req.cwd, files: written };
}

export function writeSpawnFiles(spec: SpawnSpec): void {
  for (const file of spec.files) writeFileSync(file.path, file.content, file.mode === undefined ? {} : { mode: file.mode });
}

/** The first part in which two spawns differ, or undefined when they are the same spawn. */
export function spawnDifference(a: SpawnSpec, b: SpawnSpec): string | undefined {
  if (a.binary !== b.binary) return 'binary';
  if (a.cwd !== b.cwd) return 'working folder';
  if (!isDeepStrictEqual(a.args, b.args)) return 'arguments';
  if (!isDeepStrictEqual(a.env, b.env)) return 'environment';
  if (!isDeepStrictEqual(a.files, b.files)) return 'files';
  return undefined;
}
