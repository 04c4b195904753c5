import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gitOk } from '../../src/orchestrator/engine/git';
import type { AttemptStarted, OrchEvent } from '../../src/protocol/events';
import { agentSession, bash, edit, markTodo, planTodos, read, reportProgress, turnWith, write, type TurnScript } from '../../src/scripted-model/realistic-scenarios';
import { promptIncludes, route, type Scenario } from '../../src/scripted-model/scenarios';
import { CLAUDE_BIN } from '../support/claude-harness';
import { engineFixture, REPO_ROOT, type EngineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const PROJECT = join(REPO_ROOT, 'test/fixtures/projects/clsx');
const WORK = join(REPO_ROOT, 'test/fixtures/projects/clsx-work');
const work = (file: string): string => readFileSync(join(WORK, file), 'utf8');
const CLSX_README_EXTRAS = work('readme-extras.md');
const SETUP = 'npm ci --prefer-offline --no-audit --no-fund';

const PRD = `---
id: PRD-7
milestone: "1.1"
title: clsx extras
tasks:
  - id: T1
    title: Add dedupe
    description: Add src/dedupe.js, a clsx that lists each class name once (where it first appears), with uvu tests in test/dedupe.js.
    agent: backend-engineer
    phase: implementation
    depends: []
    verify:
      - command: npm test
        timeout: 120
  - id: T2
    title: Add prefix
    description: Add src/prefix.js, prefix(pre) returning a clsx that prefixes every class name, with uvu tests in test/prefix.js.
    agent: backend-engineer
    phase: implementation
    depends: []
    verify:
      - command: npm test
        timeout: 120
  - id: T3
    title: Export and document the extras
    description: Export dedupe and prefix from src/index.js, test the exports in test/index.js, and document both in readme.md.
    agent: backend-engineer
    phase: implementation
    depends: [T1, T2]
    verify:
      - command: npm test
        timeout: 120
---
# clsx extras
`;

const PREFIX_FIX: Fix = {
  draft: work('src/prefix.first-draft.js'),
  wrong: "\t\tfor (; i < list.length; i++) {\n\t\t\tout && (out += ' ');\n\t\t\tout += pre + list[i];\n\t\t}",
  right: "\t\tfor (; i < list.length; i++) {\n\t\t\tif (list[i]) {\n\t\t\t\tout && (out += ' ');\n\t\t\t\tout += pre + list[i];\n\t\t\t}\n\t\t}",
  thinking: 'clsx() is an empty string, and "".split() is [""]: the loop adds the prefix to an empty name.',
};

const TODOS = ['Read the code and tests', 'Write the module', 'Write its tests', 'Run the suite'];

/** A first draft that fails the tests, and the Edit that fixes it once the suite says so. */
interface Fix {
  readonly draft: string;
  readonly wrong: string;
  readonly right: string;
  readonly thinking: string;
}

/** How a careful agent adds one new module with its tests to this project. */
function featureSession(name: string, source: string, test: string, fix?: Fix): Scenario {
  const runSuite = bash('npm test 2>&1 | tail -n 25', 'Run the tests');
  const turns: TurnScript[] = [
    turnWith({ thinking: `A new module beside src/index.js; match the project's style and its uvu tests.`, prose: `I'll add \`src/${name}.js\` with tests. First a plan.`, calls: [planTodos(TODOS)] }),
    turnWith({ prose: 'Reading the module, its tests and the scripts.', calls: [markTodo(TODOS, 0, 'in_progress'), read('src/index.js'), read('test/index.js'), read('package.json')] }),
    { prose: 'The suite should pass before I change anything.', calls: [bash('ls src test && npm test 2>&1 | tail -n 8', 'List sources and run the tests')] },
    turnWith({ prose: `Writing \`src/${name}.js\` in the same ES5 style, built on \`clsx\`.`, calls: [markTodo(TODOS, 1, 'in_progress'), write(`src/${name}.js`, fix?.draft ?? source)] }),
    turnWith({ prose: 'Now its tests, in the style of test/index.js.', calls: [markTodo(TODOS, 2, 'in_progress'), write(`test/${name}.js`, test)] }),
    turnWith({ prose: 'Running the whole suite.', calls: [markTodo(TODOS, 3, 'in_progress'), runSuite] }),
    ...(fix === undefined
      ? []
      : [
          { thinking: fix.thinking, prose: 'One failure: an empty input gives a bare prefix. Skipping empty names fixes it.', calls: [edit(`src/${name}.js`, fix.wrong, fix.right)] },
          { prose: 'Running the suite again.', calls: [runSuite] },
        ]),
    turnWith({ prose: 'All green.', calls: [markTodo(TODOS, 3, 'completed'), reportProgress(90, `${name} written and tested`)] }),
  ];
  return agentSession(turns, {
    summary: `Added \`src/${name}.js\` (default and named export \`${name}\`) and \`test/${name}.js\`. \`npm test\` passes, the existing suites included.`,
  });
}

const T3_TODOS = ['Read the new modules', 'Export them', 'Test the exports', 'Document them'];

const exportsSession: Scenario = agentSession(
  [
    turnWith({ prose: 'Both extras are merged; I will export, test and document them.', calls: [planTodos(T3_TODOS)] }),
    { prose: 'Reading what the other tasks added and what I will change.', calls: [read('src/dedupe.js'), read('src/prefix.js'), read('src/index.js'), read('test/index.js'), read('readme.md')] },
    turnWith({ prose: 'Re-exporting both from the main module.', calls: [markTodo(T3_TODOS, 1, 'in_progress'), edit('src/index.js', 'export default clsx;', "export { dedupe } from './dedupe';\nexport { prefix } from './prefix';\n\nexport default clsx;")] }),
    {
      prose: 'A test that the main module exports them.',
      calls: [
        edit(
          'test/index.js',
          'test.run();',
          "test('exports the extras', () => {\n\tassert.type(mod.dedupe, 'function', 'exports dedupe');\n\tassert.type(mod.prefix, 'function', 'exports prefix');\n\tassert.is(mod.dedupe('a', 'a b'), 'a b');\n\tassert.is(mod.prefix('m-')('a', { b: 1 }), 'm-a m-b');\n});\n\ntest.run();",
        ),
      ],
    },
    { prose: 'Documenting them in the readme, before the benchmarks.', calls: [edit('readme.md', '## Benchmarks', `${CLSX_README_EXTRAS}## Benchmarks`)] },
    { prose: 'Running the suite.', calls: [bash('npm test 2>&1 | tail -n 12', 'Run the tests'), reportProgress(95, 'exported, tested, documented')] },
  ],
  { summary: '`dedupe` and `prefix` are exported from `src/index.js`, tested in `test/index.js` and documented under "Extras" in readme.md. `npm test` passes.' },
);

/** The tool results a task's attempt got for its `npm test` runs. */
function npmTestResults(events: readonly OrchEvent[], attemptId: string): string[] {
  const ids = new Set<string>();
  const out: string[] = [];
  for (const e of events) {
    if (e.type !== 'attempt.activity' || e.attemptId !== attemptId) continue;
    const a = e.activity;
    if (a.kind === 'tool-call' && a.name === 'Bash' && JSON.stringify(a.input).includes('npm test')) ids.add(a.toolUseId);
    if (a.kind === 'tool-result' && ids.has(a.toolUseId)) out.push(a.text);
  }
  return out;
}

/** Holds each listed task's first model call until all have called: only tasks running side by side meet. */
function meetFirst(tasks: readonly string[], inner: Scenario): Scenario {
  const arrived = new Set<string>();
  const waiting: (() => void)[] = [];
  return async (request, context) => {
    const task = /## Task (\S+):/.exec(request.userText)?.[1] ?? '';
    if (tasks.includes(task) && !arrived.has(task)) {
      arrived.add(task);
      if (arrived.size === tasks.length) waiting.splice(0).forEach((go) => go());
      else await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 30_000).unref();
      });
    }
    return inner(request, context);
  };
}

/** npm reaches the registry as this machine's does (CA, proxy); a cache shared by runs keeps `npm ci` quick. */
function npmEnv(): Record<string, string> {
  const env: Record<string, string> = { npm_config_cache: join(tmpdir(), 'orch-test-npm-cache'), npm_config_update_notifier: 'false' };
  for (const key of ['NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'npm_config_registry']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function runOrch(fixture: EngineFixture, args: readonly string[], env: Readonly<Record<string, string>>): Promise<{ code: number | null; output: string }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts'), ...args, '--workspace', fixture.workspace, '--claude-path', CLAUDE_BIN],
    { cwd: fixture.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

function run(cmd: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>>): Promise<{ code: number | null; output: string }> {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('Orch on a real open-source project (clsx, its own uvu suite)', function () {
  this.timeout(300_000);
  const tmp = useTempDir('orch-real-project-');

  it('adds two features side by side and a third on both; every task passes npm test and so does the integration branch', async () => {
    const ws = join(tmp.path, 'ws');
    cpSync(PROJECT, ws, { recursive: true, filter: (src) => !relative(PROJECT, src).split('/').includes('node_modules') });
    const scenario = meetFirst(
      ['T1', 'T2'],
      route(
        [
          { when: promptIncludes('## Task T1:'), then: featureSession('dedupe', work('src/dedupe.js'), work('test/dedupe.js')) },
          { when: promptIncludes('## Task T2:'), then: featureSession('prefix', work('src/prefix.js'), work('test/prefix.js'), PREFIX_FIX) },
        ],
        exportsSession,
      ),
    );
    const fixture = await engineFixture(tmp.path, { 'clsx-extras.md': PRD }, scenario);
    try {
      assert.ok(!existsSync(join(ws, 'node_modules')), 'the project starts without node_modules');
      mkdirSync(join(ws, '.orch'), { recursive: true });
      writeFileSync(join(ws, '.orch', 'config.json'), `${JSON.stringify({ worktree: { setup: SETUP } }, null, 2)}\n`);
      const env = { ...fixture.env, ...npmEnv() };

      const orch = await runOrch(fixture, ['run', 'roadmap.md', '--parallel', '2', '--no-dashboard'], env);
      assert.equal(orch.code, 0, orch.output.slice(-3_000));
      const eventsFile = fixture.eventsFile();
      assert.ok(eventsFile !== undefined);
      const runId = relative(join(ws, '.orch', 'runs'), eventsFile).split('/')[0] as string;
      const events = fixture.events(runId);

      const verified = events.flatMap((e) => (e.type === 'task.verified' ? [e.taskId] : []));
      assert.deepEqual([...verified].sort(), ['PRD-7/T1', 'PRD-7/T2', 'PRD-7/T3']);

      // T1 and T2 ran side by side; T3 only after both were verified.
      const at = (type: OrchEvent['type'], attemptId: string): number => {
        const e = events.find((x) => x.type === type && 'attemptId' in x && x.attemptId === attemptId);
        assert.ok(e !== undefined, `${type} ${attemptId}`);
        return Date.parse(e.at);
      };
      const [s1, f1, s2, f2] = [at('attempt.started', 'PRD-7/T1#1'), at('attempt.finished', 'PRD-7/T1#1'), at('attempt.started', 'PRD-7/T2#1'), at('attempt.finished', 'PRD-7/T2#1')];
      assert.ok(s1 < f2 && s2 < f1, `T1 [${s1}, ${f1}] and T2 [${s2}, ${f2}] overlap`);
      const t3Start = at('attempt.started', 'PRD-7/T3#1');
      const verifiedAt = (taskId: string): number => Date.parse(events.find((e) => e.type === 'task.verified' && e.taskId === taskId)?.at ?? '');
      assert.ok(t3Start > verifiedAt('PRD-7/T1') && t3Start > verifiedAt('PRD-7/T2'), 'T3 waited for both');
      const started = events.filter((e): e is AttemptStarted => e.type === 'attempt.started');
      assert.deepEqual(started.map((e) => e.attemptId).sort(), ['PRD-7/T1#1', 'PRD-7/T2#1', 'PRD-7/T3#1'], 'first attempts only: no rework was needed');

      // Each task worktree was set up (installed, or its node_modules reused) before its agent started.
      for (const taskId of ['PRD-7/T1', 'PRD-7/T2', 'PRD-7/T3']) {
        const setup = events.find((e) => e.type === 'task.setup.finished' && e.taskId === taskId);
        assert.ok(setup?.type === 'task.setup.finished' && setup.command === SETUP && ['succeeded', 'reused'].includes(setup.outcome), `${taskId} setup: ${JSON.stringify(setup)}`);
        assert.ok(Date.parse(setup.at) <= at('attempt.started', `${taskId}#1`), `${taskId} set up before its agent`);
      }

      // The agents ran the project's own suite in worktrees set up with `npm ci`.
      const counts = (output: string): [string, string] => {
        const plain = output.replace(ANSI, '');
        return [/Total:\s+(\d+)/.exec(plain)?.[1] ?? 'none', /Passed:\s+(\d+)/.exec(plain)?.[1] ?? 'none'];
      };
      const finalCounts = { 'PRD-7/T1#1': '36', 'PRD-7/T2#1': '35', 'PRD-7/T3#1': '40' };
      for (const [attempt, total] of Object.entries(finalCounts)) {
        const results = npmTestResults(events, attempt);
        if (attempt !== 'PRD-7/T3#1') assert.deepEqual(counts(results[0] ?? ''), ['32', '32'], `${attempt} started from clsx's passing suite: ${results[0]}`);
        assert.deepEqual(counts(results.at(-1) ?? ''), [total, total], `${attempt} ended with every test passing: ${results.at(-1)}`);
      }
      // T2's first draft failed its own new test; the agent saw it and fixed it before verification.
      const t2Runs = npmTestResults(events, 'PRD-7/T2#1');
      assert.equal(t2Runs.length, 3);
      assert.deepEqual(counts(t2Runs[1] ?? ''), ['35', '34']);
      assert.match((t2Runs[1] ?? '').replace(ANSI, ''), /FAIL\s+"empty input stays empty"/);

      // The integration branch, checked out fresh and installed, passes the project's tests.
      const branch = `orch/${runId}/integration`;
      const check = join(tmp.path, 'check');
      // The run keeps the branch checked out in its own integration worktree: check out its commit.
      await gitOk(ws, ['worktree', 'add', '-q', '--detach', check, branch]);
      for (const file of ['src/dedupe.js', 'src/prefix.js', 'test/dedupe.js', 'test/prefix.js']) assert.ok(existsSync(join(check, file)), file);
      assert.match(readFileSync(join(check, 'src/index.js'), 'utf8'), /export \{ dedupe \} from '\.\/dedupe';/);
      assert.ok(readFileSync(join(check, 'readme.md'), 'utf8').includes(CLSX_README_EXTRAS));
      assert.ok(!existsSync(join(check, 'node_modules')), 'node_modules is not in the branch');
      const install = await run('npm', SETUP.split(' ').slice(1), check, env);
      assert.equal(install.code, 0, install.output);
      const suite = await run('npm', ['test'], check, env);
      assert.equal(suite.code, 0, suite.output);
      assert.match(suite.output, /Passed:\s*\S*40\b/);

      // No orch/ branch ever committed node_modules.
      const branches = (await gitOk(ws, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/orch/'])).split('\n').filter((b) => b !== '');
      assert.ok(branches.includes(branch), branches.join(', '));
      for (const b of branches) {
        const paths = await gitOk(ws, ['log', '--name-only', '--format=', b]);
        assert.ok(!paths.split('\n').some((p) => p.startsWith('node_modules/')), `${b} committed node_modules`);
      }
    } finally {
      await fixture.model.close();
    }
  });
});
