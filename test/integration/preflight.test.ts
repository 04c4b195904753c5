import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { git, gitOk } from '../../src/orchestrator/engine/git';
import { finish as finishReply, promptIncludes, route } from '../../src/scripted-model/scenarios';
import { CLAUDE_BIN } from '../support/claude-harness';
import { engineFixture, prd, REPO_ROOT, type EngineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

interface Exit {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** `orch` from source on the fixture's workspace, with the given flags and environment changes. */
function orch(f: EngineFixture, args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Promise<Exit> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...f.env, ...env })) if (v !== undefined) merged[k] = v;
  const child = spawn(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts'), ...args, '--workspace', f.workspace], {
    cwd: f.workspace,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

function preflightLines(err: string): string[] {
  return err.split('\n').filter((l) => l.startsWith('orch: preflight: '));
}

/** Nothing of a run exists: no log, no worktree, no lock, no orch/* branch, and the model heard nothing. */
async function assertUntouched(f: EngineFixture): Promise<void> {
  const orchDir = join(f.workspace, '.orch');
  assert.equal(existsSync(join(orchDir, 'runs')), false, '.orch/runs was created');
  assert.equal(existsSync(join(orchDir, 'worktrees')), false, 'a worktree was created');
  assert.equal(existsSync(join(orchDir, 'lock.json')), false, 'the run lock was taken');
  if (existsSync(join(f.workspace, '.git'))) assert.equal((await gitOk(f.workspace, ['branch', '--list', 'orch/*'])).trim(), '', 'an orch branch was created');
  assert.equal(f.model.requests.length, 0, 'the scripted model got a request');
}

const BROWSER_AND_ANALYST = `---
id: PRD-W
milestone: "1.1"
title: Web
tasks:
  - id: T1
    title: Analyse
    description: Write docs/analysis.md.
    agent: business-analyst
    output: docs/analysis.md
    verify:
      - file: docs/analysis.md
  - id: T2
    title: Page
    description: Write index.html.
    agent: frontend-engineer
    verify:
      - browser: { url: index.html, expect: Hello }
---
# Web
`;

// Milestone 1.2 has no PRD yet: the planner writes it, so its provider is needed too.
const TWO_MILESTONES = `# Test roadmap

## Phase 1: Only phase

### Milestone 1.1: Everything
**Duration:** 1 week
**Focus:** tests

### Milestone 1.2: Later
**Duration:** 1 week
**Focus:** planning
`;

describe('orch run and resume: the preflight before any spend (processes)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('refuses a claude binary that does not run, naming the path, where it came from and how to set it', async () => {
    const f = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, demoScenario);
    try {
      const missing = join(tmp.path, 'no-such', 'claude');
      const result = await orch(f, ['run', 'roadmap.md', '--no-dashboard', '--claude-path', missing]);
      assert.equal(result.code, 2, result.err);
      assert.deepEqual(preflightLines(result.err), [
        `orch: preflight: the claude CLI at ${missing} (from --claude-path) was not found: install Claude Code (npm install -g @anthropic-ai/claude-code) or give its path with --claude-path, ORCH_CLAUDE_PATH or "claudePath" in .orch/config.json`,
      ]);
      await assertUntouched(f);

      // A binary that runs but fails --version is no better; ORCH_CLAUDE_PATH is named as the source.
      const broken = join(tmp.path, 'broken-claude');
      writeFileSync(broken, '#!/bin/sh\necho "claude: corrupt install" >&2\nexit 3\n', { mode: 0o755 });
      const viaEnv = await orch(f, ['run', 'roadmap.md', '--no-dashboard'], { ORCH_CLAUDE_PATH: broken });
      assert.equal(viaEnv.code, 2, viaEnv.err);
      assert.match(preflightLines(viaEnv.err).join('\n'), new RegExp(`the claude CLI at ${broken} \\(from ORCH_CLAUDE_PATH\\) failed --version \\(exit 3: claude: corrupt install\\)`));
      await assertUntouched(f);
    } finally {
      await f.model.close();
    }
  });

  it('names every missing thing at once, one line each: Claude credentials (tasks and planner), OPENAI_API_KEY, git identity, Chromium', async () => {
    const f = await engineFixture(tmp.path, { 'w.md': BROWSER_AND_ANALYST }, demoScenario, TWO_MILESTONES);
    try {
      await gitOk(f.workspace, ['config', '--unset', 'user.name']);
      await gitOk(f.workspace, ['config', '--unset', 'user.email']);
      const chromium = join(tmp.path, 'no-chromium');
      const result = await orch(f, ['run', 'roadmap.md', '--no-dashboard', '--claude-path', CLAUDE_BIN], {
        ANTHROPIC_API_KEY: undefined,
        OPENAI_API_KEY: undefined,
        ORCH_CHROMIUM_PATH: chromium,
        GIT_CONFIG_NOSYSTEM: '1',
      });
      assert.equal(result.code, 2, result.err);
      const lines = preflightLines(result.err);
      assert.equal(lines.length, 4, result.err);
      const home = f.env.HOME!;
      assert.match(lines[0]!, new RegExp(`^orch: preflight: no Claude credentials for PRD-W/T2, the planner \\(product-planner\\): set ANTHROPIC_API_KEY \\(or ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN\\), or log in once .* so that ${home}/\\.claude/\\.credentials\\.json exists$`));
      assert.equal(lines[1], 'orch: preflight: OPENAI_API_KEY is not set, and the OpenAI agents of PRD-W/T1 need it: set it in the environment (in VS Code: Orch: Set API Key)');
      assert.match(lines[2]!, new RegExp(`^orch: preflight: git has no identity to commit with in ${f.workspace} \\(.*\\): run \`git config --global user\\.name "Your Name"\` and \`git config --global user\\.email you@example\\.com\``));
      assert.equal(lines[3], `orch: preflight: Chromium not found at ${chromium}, and the browser checks of PRD-W/T2 need it: install it (Debian: apt-get install chromium) or set ORCH_CHROMIUM_PATH or "chromiumPath" in .orch/config.json`);
      await assertUntouched(f);

      // A logged-in account is a credential too.
      mkdirSync(join(home, '.claude'), { recursive: true });
      writeFileSync(join(home, '.claude', '.credentials.json'), '{}');
      const loggedIn = await orch(f, ['run', 'roadmap.md', '--no-dashboard', '--claude-path', CLAUDE_BIN], { ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined, ORCH_CHROMIUM_PATH: chromium });
      assert.equal(loggedIn.code, 2);
      assert.ok(!/Claude credentials/.test(loggedIn.err), loggedIn.err);
      await assertUntouched(f);
    } finally {
      await f.model.close();
    }
  });

  it('outside a git repository says how to make one, or to pass --no-git', async () => {
    const f = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, demoScenario);
    try {
      rmSync(join(f.workspace, '.git'), { recursive: true, force: true });
      const result = await orch(f, ['run', 'roadmap.md', '--no-dashboard', '--claude-path', CLAUDE_BIN]);
      assert.equal(result.code, 2, result.err);
      assert.deepEqual(preflightLines(result.err), [
        `orch: preflight: ${f.workspace} is not a git repository: run \`git init && git add -A && git commit -m init\` there, or pass --no-git to run the tasks one at a time in the folder itself`,
      ]);
      await assertUntouched(f);
    } finally {
      await f.model.close();
    }
  });

  it('checks a resume too: the credentials its unverified tasks need, before it touches the run', async () => {
    // PRD-A/T1's agent never writes a.txt: blocked after its one attempt; T2 is verified.
    const scenario = route([{ when: promptIncludes('`a.txt`'), then: finishReply('Done.') }], demoScenario);
    const f = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }, { id: 'T2', file: 'b.txt' }]) }, scenario);
    mkdirSync(join(f.workspace, '.orch'));
    writeFileSync(join(f.workspace, '.orch', 'config.json'), JSON.stringify({ maxAttempts: 1 }));
    try {
      const first = await orch(f, ['run', 'roadmap.md', '--no-dashboard', '--claude-path', CLAUDE_BIN]);
      assert.equal(first.code, 1, first.err);
      const runId = f.eventsFile()!.split('/').at(-2)!;
      const events = f.events(runId).length;
      const requests = f.model.requests.length;
      const resumed = await orch(f, ['resume', runId, '--no-dashboard', '--claude-path', CLAUDE_BIN], { ANTHROPIC_API_KEY: undefined });
      assert.equal(resumed.code, 2, resumed.err);
      assert.match(preflightLines(resumed.err).join('\n'), /^orch: preflight: no Claude credentials for PRD-A\/T1: /);
      assert.equal(f.events(runId).length, events, 'the refused resume wrote no event');
      assert.equal(f.model.requests.length, requests, 'nor asked the model anything');
      assert.equal(existsSync(join(f.workspace, '.orch', 'lock.json')), false);
      assert.equal((await git(f.workspace, ['rev-parse', '--verify', '--quiet', `refs/heads/orch/${runId}/integration`])).code, 0, 'the run it refused to resume is intact');
    } finally {
      await f.model.close();
    }
  });
});
