// A real workspace for engine tests: a git repo with a roadmap and PRDs, a throwaway HOME, the
// scripted model server, and the real claude CLI. Only the model is scripted.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSnapshot } from '../../src/orchestrator/agents/build-snapshot';
import { defaultConfig, type OrchConfig } from '../../src/orchestrator/config/orch-config';
import { gitOk } from '../../src/orchestrator/engine/git';
import type { AttemptRunner } from '../../src/orchestrator/engine/engine-context';
import type { EventLog } from '../../src/orchestrator/events/event-log';
import { startRun, type RunOutcome } from '../../src/orchestrator/engine/start-run';
import { loadPlan } from '../../src/orchestrator/plan/load-plan';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import type { OrchEvent } from '../../src/protocol/events';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import type { Step } from '../../src/scripted-model/scenarios';
import { CLAUDE_BIN, claudeEnv } from './claude-harness';

export const REPO_ROOT = resolve(__dirname, '../..');
const TSX_LOADER_FLAG = '--import';
const TSX_LOADER = join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs');
const RUNS_AGENTS = new Set(['run', 'resume', 'demo']);

export interface EngineFixture {
  readonly workspace: string;
  readonly model: ScriptedModelServer;
  /** The environment `orch` gets: throwaway HOME, the scripted model's URLs, no real credentials. */
  readonly env: Readonly<Record<string, string>>;
  /** The `orch` CLI from source, as its own process, on this workspace and model. */
  readonly orch: (args: readonly string[]) => ChildProcess;
  /** The events.jsonl of the workspace's first run, once it exists. */
  readonly eventsFile: () => string | undefined;
  /** A run's events, parsed. */
  events(runId: string): OrchEvent[];
  run(options?: { parallel?: number; config?: Partial<OrchConfig>; signal?: AbortSignal; milestones?: string[]; runOpenaiAttempt?: AttemptRunner; freeMemory?: () => number; onLog?: (log: EventLog) => void }): Promise<RunOutcome>;
}

const ROADMAP = `# Test roadmap

## Phase 1: Only phase

### Milestone 1.1: Everything
**Duration:** 1 week
**Focus:** tests
`;

/** Writes `roadmap.md` and one PRD file per entry, commits them, and starts the model. */
export async function engineFixture(dir: string, prds: Readonly<Record<string, string>>, scenario: Step, roadmapText: string = ROADMAP): Promise<EngineFixture> {
  const workspace = join(dir, 'ws');
  const home = join(dir, 'home');
  mkdirSync(join(workspace, 'prds'), { recursive: true });
  mkdirSync(home);
  writeFileSync(join(workspace, 'roadmap.md'), roadmapText);
  for (const [name, text] of Object.entries(prds)) writeFileSync(join(workspace, 'prds', name), text);
  await gitOk(workspace, ['init', '-q', '-b', 'main']);
  await setGitIdentity(workspace);
  await gitOk(workspace, ['add', '-A']);
  await gitOk(workspace, ['commit', '-q', '-m', 'fixture']);
  const model = await startScriptedModel({ scenario });
  // OpenAI-routed agents reach the same scripted server.
  const env = { ...claudeEnv(model.url, home, { OPENAI_BASE_URL: `${model.url}/v1`, OPENAI_API_KEY: 'test-key' }), CLAUDE_CODE_MAX_RETRIES: '0' };
  return {
    workspace,
    model,
    env,
    orch: (args) =>
      spawn(
        process.execPath,
        [TSX_LOADER_FLAG, TSX_LOADER, join(REPO_ROOT, 'src/cli/main.ts'), ...args, '--workspace', workspace, ...(RUNS_AGENTS.has(args[0] ?? '') ? ['--claude-path', CLAUDE_BIN] : [])],
        { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    events(runId) {
      return readFileSync(join(workspace, '.orch', 'runs', runId, 'events.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as OrchEvent);
    },
    eventsFile() {
      const runs = join(workspace, '.orch', 'runs');
      const [runId] = existsSync(runs) ? readdirSync(runs) : [];
      // The run's folder comes a moment before its log: a caller polling for it reads a file that is there.
      const file = runId === undefined ? undefined : join(runs, runId, 'events.jsonl');
      return file !== undefined && existsSync(file) ? file : undefined;
    },
    async run(options = {}) {
      const config: OrchConfig = { ...defaultConfig, attemptTimeoutSec: 60, inactivityTimeoutSec: 30, ...options.config };
      const { snapshot: registry } = await buildSnapshot({ workspace, builtinDir: join(REPO_ROOT, 'agents'), homeDir: home, phases: config.phases }, undefined);
      const roadmap = await loadPlan({ roadmapFile: join(workspace, 'roadmap.md'), workspaceDir: workspace, phases: config.phases });
      return startRun(
        {
          paths: workspacePaths(workspace),
          config,
          registry,
          runAttempt,
          ...(options.runOpenaiAttempt === undefined ? {} : { runOpenaiAttempt: options.runOpenaiAttempt }),
          ...(options.freeMemory === undefined ? {} : { freeMemory: options.freeMemory }),
          ...(options.onLog === undefined ? {} : { onLog: options.onLog }),
          claudePath: CLAUDE_BIN,
          env,
          signal: options.signal ?? new AbortController().signal,
        },
        { roadmap, milestones: options.milestones ?? [], parallel: options.parallel },
      );
    },
  };
}

/** The repository's own committer, as a user sets one: the throwaway HOME has no ~/.gitconfig and `orch run` checks for it. */
export async function setGitIdentity(repo: string): Promise<void> {
  await gitOk(repo, ['config', 'user.name', 'Orch Tests']);
  await gitOk(repo, ['config', 'user.email', 'tests@orch.invalid']);
}

/** A PRD file with the given tasks (YAML written by hand, as a user would). */
export function prd(id: string, tasks: readonly { id: string; phase?: string; depends?: string[]; file: string; agent?: string }[]): string {
  const lines = ['---', `id: ${id}`, 'milestone: "1.1"', `title: ${id} title`, 'tasks:'];
  for (const t of tasks) {
    lines.push(
      `  - id: ${t.id}`,
      `    title: Make ${t.file}`,
      `    description: Create ${t.file} for ${id}.`,
      `    agent: ${t.agent ?? 'backend-engineer'}`,
      `    phase: ${t.phase ?? 'implementation'}`,
      `    depends: [${(t.depends ?? []).join(', ')}]`,
      '    verify:',
      `      - file: ${t.file}`,
    );
  }
  lines.push('---', `# ${id}`, '');
  return lines.join('\n');
}
