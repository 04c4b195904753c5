import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, gitOk } from '../../src/orchestrator/engine/git';
import { findMarkedProcesses } from '../../src/orchestrator/runner/process-group';
import type { OrchEvent, TaskSetupFinished } from '../../src/protocol/events';
import { absolutePath, claimSuccess, finish, steps, useTool, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';
import { exited } from '../support/process-exit';

interface TaskSpec {
  readonly id: string;
  readonly checks: readonly string[];
}

/** A PRD whose tasks are checked by the given `command`s and by their `out-<id>.txt`. */
function commandPrd(tasks: readonly TaskSpec[]): string {
  const lines = ['---', 'id: PRD-A', 'milestone: "1.1"', 'title: Setup', 'tasks:'];
  for (const t of tasks) {
    lines.push(`  - id: ${t.id}`, `    title: Task ${t.id}`, `    description: Read what the setup left and write out-${t.id}.txt.`, '    agent: backend-engineer', '    phase: implementation', '    verify:', `      - file: out-${t.id}.txt`);
    for (const check of t.checks) lines.push(`      - command: ${JSON.stringify(check)}`);
  }
  lines.push('---', '# PRD-A', '');
  return lines.join('\n');
}

/** Reads each file with the Read tool, then writes everything it read into the task's out file. */
function readThenWrite(paths: readonly string[]): Scenario {
  const reads = paths.map((p) => useTool('Read', (r) => ({ file_path: absolutePath(p, r) })));
  return steps([
    ...reads,
    (request, context) => {
      const task = /## Task (\S+):/.exec(request.userText)?.[1] ?? 'unknown';
      const seen = request.messages.flatMap((m) => m.toolResults).map((r) => r.text).join('\n');
      return writeTool(`out-${task}.txt`, `${seen}\n`)(request, context);
    },
  ], finish());
}

function setups(events: readonly OrchEvent[]): TaskSetupFinished[] {
  return events.filter((e): e is TaskSetupFinished => e.type === 'task.setup.finished');
}

async function commitAll(workspace: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(workspace, path, '..'), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }
  await gitOk(workspace, ['add', '-A']);
  await gitOk(workspace, ['commit', '-q', '-m', 'project files']);
}

function exitOf(child: ReturnType<EngineFixture['orch']>): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

describe('task worktree setup with the real claude CLI', function () {
  this.timeout(180_000);
  const tmp = useTempDir();

  it('runs worktree.setup once in each new worktree before its agent, which sees what it installed', async () => {
    const count = join(tmp.path, 'setup-count');
    const tasks = ['T1', 'T2'].map((id) => ({ id, checks: ['grep -q installed deps/lib.txt', `grep -q installed out-${id}.txt`] }));
    const fixture = await engineFixture(tmp.path, { 'a.md': commandPrd(tasks) }, readThenWrite(['deps/lib.txt']));
    try {
      await commitAll(fixture.workspace, { '.gitignore': 'deps/\n' });
      const setup = `mkdir -p deps && echo installed > deps/lib.txt && echo "$ORCH_RUN_ID" >> ${count}`;
      const outcome = await fixture.run({ parallel: 2, config: { worktree: { setup, setupTimeoutSec: 60 } } });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      assert.deepEqual(readFileSync(count, 'utf8').trim().split('\n'), [outcome.runId, outcome.runId], 'once per worktree, with the run marker');
      const events = fixture.events(outcome.runId);
      for (const id of ['PRD-A/T1', 'PRD-A/T2']) {
        const done = events.findIndex((e) => e.type === 'task.setup.finished' && e.taskId === id);
        const started = events.findIndex((e) => e.type === 'attempt.started' && e.taskId === id);
        assert.ok(done >= 0 && done < started, `${id}: setup finished before its first attempt`);
        const brief = events[started];
        assert.match(brief?.type === 'attempt.started' ? brief.prompt : '', /The setup command `mkdir -p deps[^`]*` already ran in this worktree\. Do not install again/, `${id}: the brief says what setup did`);
        assert.equal(outcome.snapshot.tasks[id]?.setup?.outcome, 'succeeded');
        assert.equal(outcome.snapshot.tasks[id]?.setup?.command, setup);
        const log = outcome.snapshot.tasks[id]?.setup?.evidencePath ?? '';
        assert.match(log, /PRD-A-T[12]-setup\.log$/);
        assert.match(readFileSync(log, 'utf8'), /# exit 0 after/);
        assert.match(await gitOk(fixture.workspace, ['show', `${outcome.integrationBranch}:out-${id.slice(-2)}.txt`]), /installed/);
      }
      assert.equal((await git(fixture.workspace, ['cat-file', '-e', `${outcome.integrationBranch}:deps/lib.txt`])).code === 0, false, 'what setup installed is not committed');
      const status = await exited(fixture.orch(['status']));
      assert.match(status.out, /setup: `mkdir -p deps[^`]*` succeeded in \d+\.\d s \(log: \S+PRD-A-T1-setup\.log\)/);
    } finally {
      await fixture.model.close();
    }
  });

  it('blocks a task whose setup fails, with no model call, and runs the setup again on resume', async () => {
    const tasks = [{ id: 'T1', checks: ['test -f ready.flag'] }];
    const fixture = await engineFixture(tmp.path, { 'a.md': commandPrd(tasks) }, readThenWrite(['ready.flag']));
    try {
      await commitAll(fixture.workspace, { '.gitignore': 'ready.flag\n' });
      const broken = 'echo "cannot reach the registry" >&2; exit 3';
      const outcome = await fixture.run({ config: { worktree: { setup: broken, setupTimeoutSec: 60 } } });
      assert.equal(outcome.result, 'failed');
      const task = outcome.snapshot.tasks['PRD-A/T1']!;
      assert.equal(task.state, 'blocked');
      assert.equal(task.setup?.outcome, 'failed');
      const log = task.setup?.evidencePath ?? '';
      assert.ok(task.error?.includes(broken) && task.error.includes('exit 3') && task.error.includes(log), task.error);
      assert.match(readFileSync(log, 'utf8'), /cannot reach the registry/);
      assert.equal(fixture.model.modelRequests().length, 0, 'the model was never asked');
      assert.equal(task.attempts.length, 0);

      mkdirSync(join(fixture.workspace, '.orch'), { recursive: true });
      writeFileSync(join(fixture.workspace, '.orch', 'config.json'), JSON.stringify({ worktree: { setup: 'touch ready.flag' } }));
      const resumed = await exitOf(fixture.orch(['resume', outcome.runId]));
      assert.equal(resumed.code, 0, resumed.out);
      const after = setups(fixture.events(outcome.runId));
      assert.deepEqual(after.map((e) => [e.command, e.outcome]), [[broken, 'failed'], ['touch ready.flag', 'succeeded']]);
      assert.match(resumed.out, /PRD-A\/T1 worktree setup: `touch ready\.flag` succeeded/);
    } finally {
      await fixture.model.close();
    }
  });

  it('does not set up again a worktree whose setup succeeded when the run resumes', async () => {
    const count = join(tmp.path, 'setup-count');
    const tasks = [{ id: 'T1', checks: ['grep -q installed deps/lib.txt'] }];
    const fixture = await engineFixture(tmp.path, { 'a.md': commandPrd(tasks) }, claimSuccess());
    try {
      await commitAll(fixture.workspace, { '.gitignore': 'deps/\n' });
      const setup = `mkdir -p deps && echo installed > deps/lib.txt && echo ran >> ${count}`;
      const first = await fixture.run({ config: { maxAttempts: 1, worktree: { setup, setupTimeoutSec: 60 } } });
      assert.equal(first.snapshot.tasks['PRD-A/T1']?.state, 'blocked', 'a false claim used its only attempt');
      fixture.model.setScenario(readThenWrite(['deps/lib.txt']));
      mkdirSync(join(fixture.workspace, '.orch'), { recursive: true });
      writeFileSync(join(fixture.workspace, '.orch', 'config.json'), JSON.stringify({ maxAttempts: 1, worktree: { setup } }));
      const resumed = await exitOf(fixture.orch(['resume', first.runId]));
      assert.equal(resumed.code, 0, resumed.out);
      assert.equal(readFileSync(count, 'utf8'), 'ran\n', 'the setup ran once, in the first run');
      assert.equal(setups(fixture.events(first.runId)).length, 1);
    } finally {
      await fixture.model.close();
    }
  });

  it('copies ignored files named in .worktreeinclude, never a tracked one, and commits none of them', async () => {
    const tasks = [{ id: 'T1', checks: ['grep -q SECRET=1 .env', 'grep -q SECRET=1 out-T1.txt'] }];
    const fixture = await engineFixture(tmp.path, { 'a.md': commandPrd(tasks) }, readThenWrite(['.env', 'settings.local', 'tracked.local']));
    try {
      await commitAll(fixture.workspace, { '.gitignore': 'settings.local\n', 'tracked.local': 'as committed\n', '.worktreeinclude': '# local config\n.env\n*.local\n' });
      // Ignored only by an edit of .gitignore not yet committed: the branch does not ignore it.
      appendFileSync(join(fixture.workspace, '.gitignore'), '.env\n');
      writeFileSync(join(fixture.workspace, '.env'), 'SECRET=1\n');
      writeFileSync(join(fixture.workspace, 'settings.local'), 'LOCAL=1\n');
      writeFileSync(join(fixture.workspace, 'tracked.local'), 'edited, not committed\n');
      const outcome = await fixture.run();
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const task = outcome.snapshot.tasks['PRD-A/T1']!;
      assert.equal(task.setup?.included, 2);
      assert.equal(task.setup?.command, undefined);
      const out = await gitOk(fixture.workspace, ['show', `${outcome.integrationBranch}:out-T1.txt`]);
      assert.match(out, /SECRET=1/);
      assert.match(out, /LOCAL=1/);
      assert.match(out, /as committed/, 'the tracked file is the branch version');
      assert.doesNotMatch(out, /edited, not committed/);
      const committed = await gitOk(fixture.workspace, ['log', '--name-only', '--format=', `main..${outcome.integrationBranch}`]);
      assert.deepEqual(committed.split('\n').filter((l) => l.length > 0), ['out-T1.txt'], 'only the agent work is committed');
    } finally {
      await fixture.model.close();
    }
  });

  it('reuses an identical install for later worktrees: outcome reused, the same node_modules', async () => {
    const check = 'node -e "process.exit(require(\'dep\').answer === 42 ? 0 : 1)" && diff -r node_modules ../../cache/deps/*/node_modules';
    const tasks = ['T1', 'T2', 'T3'].map((id) => ({ id, checks: [check] }));
    const fixture = await engineFixture(tmp.path, { 'a.md': commandPrd(tasks) }, readThenWrite(['package.json']));
    try {
      const dep = join(tmp.path, 'dep');
      mkdirSync(dep);
      writeFileSync(join(dep, 'package.json'), JSON.stringify({ name: 'dep', version: '1.0.0', main: 'index.js' }));
      writeFileSync(join(dep, 'index.js'), 'exports.answer = 42;\n');
      execFileSync('npm', ['pack', '--silent', '--pack-destination', fixture.workspace], { cwd: dep, env: fixture.env });
      await commitAll(fixture.workspace, { '.gitignore': 'node_modules/\n', 'package.json': JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { dep: 'file:dep-1.0.0.tgz' } }) });
      execFileSync('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund'], { cwd: fixture.workspace, env: fixture.env });
      await commitAll(fixture.workspace, {});
      const outcome = await fixture.run({ parallel: 3, config: { worktree: { setup: 'npm ci --offline --no-audit --no-fund', setupTimeoutSec: 120 } } });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const outcomes = setups(fixture.events(outcome.runId)).map((e) => e.outcome).sort();
      assert.deepEqual(outcomes, ['reused', 'reused', 'succeeded'], 'the first installs, the others copy');
      assert.match(readFileSync(outcome.snapshot.tasks['PRD-A/T2']!.setup!.evidencePath, 'utf8'), /reused node_modules from /);
      assert.ok(existsSync(join(fixture.workspace, '.orch', 'cache')), 'the cache is in .orch/cache');
      assert.equal((await gitOk(fixture.workspace, ['status', '--porcelain'])).trim(), '', 'the cache is kept out of git status');
    } finally {
      await fixture.model.close();
    }
  });

  it('warns once per run, with the command to set, when a project lockfile has no worktree.setup', async () => {
    const tasks = ['T1', 'T2'].map((id) => ({ id, checks: [] }));
    const fixture = await engineFixture(tmp.path, { 'a.md': commandPrd(tasks) }, readThenWrite(['package.json']));
    try {
      await commitAll(fixture.workspace, { '.gitignore': 'node_modules/\n', 'package.json': '{"name":"app"}', 'package-lock.json': '{"name":"app","lockfileVersion":3,"packages":{}}' });
      const outcome = await fixture.run({ parallel: 2 });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const hints = outcome.snapshot.warnings.filter((w) => w.includes('worktree.setup'));
      assert.deepEqual(hints, ['package-lock.json found but no worktree.setup: task worktrees have no node_modules; set "worktree": {"setup": "npm ci"} in .orch/config.json (and list gitignored files they need, such as .env, in .worktreeinclude)']);
      assert.equal(outcome.snapshot.tasks['PRD-A/T1']?.setup, undefined, 'nothing to set up, nothing recorded');
    } finally {
      await fixture.model.close();
    }
  });

  it('stops a setup at its timeout, processes it started in their own session too, and blocks the task', async () => {
    const fixture = await engineFixture(tmp.path, { 'a.md': commandPrd([{ id: 'T1', checks: [] }]) }, readThenWrite(['package.json']));
    try {
      const outcome = await fixture.run({ config: { worktree: { setup: 'setsid sleep 120 & sleep 120', setupTimeoutSec: 1 } } });
      const task = outcome.snapshot.tasks['PRD-A/T1']!;
      assert.equal(task.state, 'blocked');
      assert.match(task.error ?? '', /^worktree setup `setsid sleep 120 & sleep 120` failed \(timed out after \d+ s\)/);
      assert.deepEqual(findMarkedProcesses(`ORCH_SETUP_ID=${outcome.runId}/PRD-A-T1`), [], 'nothing the setup started is left');
      assert.equal(fixture.model.modelRequests().length, 0);
    } finally {
      await fixture.model.close();
    }
  });

  it('stops a running setup when the run is cancelled, and the task is cancelled', async () => {
    const started = join(tmp.path, 'setup-started');
    const fixture = await engineFixture(tmp.path, { 'a.md': commandPrd([{ id: 'T1', checks: [] }]) }, readThenWrite(['package.json']));
    try {
      const cancel = new AbortController();
      const run = fixture.run({ signal: cancel.signal, config: { worktree: { setup: `touch ${started}; sleep 120`, setupTimeoutSec: 300 } } });
      while (!existsSync(started)) await new Promise((resolve) => setTimeout(resolve, 50));
      cancel.abort();
      const outcome = await run;
      assert.equal(outcome.result, 'cancelled');
      assert.equal(outcome.snapshot.tasks['PRD-A/T1']?.state, 'cancelled');
      assert.equal(outcome.snapshot.tasks['PRD-A/T1']?.setup?.outcome, 'cancelled');
      assert.deepEqual(findMarkedProcesses(`ORCH_SETUP_ID=${outcome.runId}/PRD-A-T1`), []);
      assert.equal(fixture.model.modelRequests().length, 0);
    } finally {
      await fixture.model.close();
    }
  });

  it('after Orch is killed mid-setup, resume stops what the setup left running and sets the worktree up again', async () => {
    const started = join(tmp.path, 'setup-started');
    const fixture = await engineFixture(tmp.path, { 'a.md': commandPrd([{ id: 'T1', checks: ['test -f ready.flag'] }]) }, readThenWrite(['ready.flag']));
    try {
      await commitAll(fixture.workspace, { '.gitignore': 'ready.flag\n' });
      mkdirSync(join(fixture.workspace, '.orch'), { recursive: true });
      const config = join(fixture.workspace, '.orch', 'config.json');
      writeFileSync(config, JSON.stringify({ worktree: { setup: `touch ${started}; sleep 120` } }));
      const first = fixture.orch(['run', 'roadmap.md', '--no-dashboard']);
      const firstExit = exitOf(first);
      while (!existsSync(started)) await new Promise((resolve) => setTimeout(resolve, 50));
      first.kill('SIGKILL');
      await firstExit;
      const runId = fixture.eventsFile()!.split('/').at(-2)!;
      const marker = `ORCH_SETUP_ID=${runId}/PRD-A-T1`;
      assert.ok(findMarkedProcesses(marker).length > 0, 'the setup outlived the killed Orch');
      writeFileSync(config, JSON.stringify({ worktree: { setup: 'touch ready.flag' } }));
      const resumed = await exitOf(fixture.orch(['resume', runId, '--no-dashboard']));
      assert.equal(resumed.code, 0, resumed.out);
      assert.deepEqual(findMarkedProcesses(marker), [], 'resume stopped it');
      const events = fixture.events(runId);
      assert.ok(events.some((e) => e.type === 'warning.raised' && /stopped \d+ agent process/.test(e.message)));
      assert.deepEqual(setups(events).map((e) => [e.command, e.outcome]), [['touch ready.flag', 'succeeded']]);
    } finally {
      await fixture.model.close();
    }
  });
});
