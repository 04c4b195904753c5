import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startScriptedModel, type ScriptedModelOptions, type ScriptedModelServer } from '../../src/scripted-model/server';
import { dumpOnFailure, startCodeServer, type CodeServer } from './code-server';

// What the suites that run agents for real share: a committed git workspace, code-server with
// the packaged extension whose claude CLI talks to the scripted model, and the checks on what a
// run leaves behind.

const repoRoot = resolve(__dirname, '..', '..');
export const screenshots = join(repoRoot, 'test-results', 'vscode');

export interface AgentWorkbench {
  readonly workspace: string;
  readonly model: ScriptedModelServer;
  readonly vscode: CodeServer;
  readonly page: Page;
}

export interface AgentWorkbenchOptions {
  /** Names the suite's temp folder. */
  readonly prefix: string;
  /** Fills the (empty) workspace folder; commitWorkspace is the caller's, where it fits. */
  readonly workspace: (dir: string) => void;
  readonly scenario: ScriptedModelOptions['scenario'];
  /** Orch's settings besides orch.claudePath, which is the repository's claude CLI. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Environment beyond agentEnv's, given the scripted model's URL. */
  readonly env?: (modelUrl: string) => Record<string, string>;
}

/**
 * For the suite (call inside a mocha `describe`): the workspace, the scripted model and
 * code-server with orch.vsix installed, started before its tests and removed after them, with
 * evidence left when a test fails.
 */
export function useAgentWorkbench(options: AgentWorkbenchOptions): AgentWorkbench {
  let root: string | undefined;
  let started: AgentWorkbench | undefined;
  let model: ScriptedModelServer | undefined;
  let vscode: CodeServer | undefined;
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    root = mkdtempSync(join(tmpdir(), options.prefix));
    const workspace = join(root, 'workspace');
    mkdirSync(workspace);
    options.workspace(workspace);
    model = await startScriptedModel({ scenario: options.scenario });
    vscode = await startCodeServer({
      vsix: join(repoRoot, 'orch.vsix'),
      workspace,
      settings: { 'orch.claudePath': join(repoRoot, 'node_modules', '.bin', 'claude'), ...options.settings },
      env: agentEnv(model.url, options.env?.(model.url)),
    });
    started = { workspace, model, vscode, page: vscode.page };
  });
  after(async () => {
    await vscode?.close();
    await model?.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });
  dumpOnFailure(() => vscode, screenshots);
  const current = (): AgentWorkbench => {
    if (started === undefined) throw new Error('useAgentWorkbench: not started (used outside a test?)');
    return started;
  };
  return {
    get workspace() {
      return current().workspace;
    },
    get model() {
      return current().model;
    },
    get vscode() {
      return current().vscode;
    },
    get page() {
      return current().page;
    },
  };
}

/** Makes `workspace` a git repository with everything in it committed, as runs need. */
export function commitWorkspace(workspace: string): void {
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: workspace });
  execFileSync('git', ['add', '-A'], { cwd: workspace });
  execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-q', '-m', 'fixture'], { cwd: workspace });
}

/** A roadmap of one phase and one milestone (1.1), for the suites whose one PRD is PRD-1. */
export function oneMilestoneRoadmap(title: string, focus: string): string {
  return `# ${title}

## Phase 1: Only phase

### Milestone 1.1: Everything
**Duration:** 1 week
**Focus:** ${focus}
`;
}

/**
 * PRD-1 of milestone 1.1: T1 is the business analyst's (OpenAI, no tools: Orch writes its answer
 * to docs/analysis.md) in `analystPhase`, T2 makes b.txt; `moreTasks` (YAML list items) follow.
 */
export function analystPrd(title: string, analystPhase: string, moreTasks = ''): string {
  return `---
id: PRD-1
milestone: "1.1"
title: ${title}
tasks:
  - id: T1
    title: Write the analysis
    description: Analyse the greeting service.
    agent: business-analyst
    phase: ${analystPhase}
    output: docs/analysis.md
    verify:
      - file: docs/analysis.md
  - id: T2
    title: Make b.txt
    description: Create b.txt.
    agent: backend-engineer
    phase: implementation
    verify:
      - file: b.txt
${moreTasks}---
# PRD-1
`;
}

/**
 * Fills a workspace with `roadmap` and `prds/<prdFile>`, committed, and an uncommitted Orch
 * config of one attempt per task, so a task that fails is blocked at once.
 */
export function oneAttemptWorkspace(roadmap: string, prdFile: string, prd: string): (dir: string) => void {
  return (dir) => {
    mkdirSync(join(dir, 'prds'));
    writeFileSync(join(dir, 'roadmap.md'), roadmap);
    writeFileSync(join(dir, 'prds', prdFile), prd);
    commitWorkspace(dir);
    mkdirSync(join(dir, '.orch'));
    writeFileSync(join(dir, '.orch', 'config.json'), JSON.stringify({ maxAttempts: 1 }));
  };
}

/** Claude agents use `anthropicKey`; OpenAI agents reach the scripted model with no key set yet. */
export function openaiAgentEnv(anthropicKey: string): (modelUrl: string) => Record<string, string> {
  return (modelUrl) => ({ ANTHROPIC_API_KEY: anthropicKey, OPENAI_BASE_URL: `${modelUrl}/v1`, OPENAI_API_KEY: '' });
}

/** code-server's environment for agents that talk to the scripted model at `modelUrl`, quietly. */
function agentEnv(modelUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: modelUrl,
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
    ...extra,
  };
}

/** Polls `ok` every 100 ms; after `timeoutMs` fails with `explain()`. */
export async function waitUntil(ok: () => boolean, timeoutMs: number, explain: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs} ms: ${explain()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every file below `dir` (none if it is missing) whose bytes contain `text`. */
export function filesContaining(dir: string, text: string): string[] {
  const hits: string[] = [];
  const walk = (path: string): void => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (stat.isFile() && readFileSync(path).includes(text)) {
      hits.push(path);
    }
  };
  walk(dir);
  return hits;
}
