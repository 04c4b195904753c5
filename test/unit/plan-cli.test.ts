import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIo } from '../../src/cli/cli-io';
import { runCli } from '../../src/cli/run-cli';

const ROOT = resolve(__dirname, '../..');

interface Captured extends CliIo {
  readonly stdout: string[];
  readonly stderr: string[];
}

function captureIo(cwd = ROOT): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { cwd, env: {}, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t), stdout, stderr };
}

async function planJson(args: readonly string[], io = captureIo()): Promise<unknown> {
  const code = await runCli(['plan', ...args, '--json'], io);
  assert.equal(code, 0, io.stderr.join('\n'));
  assert.equal(io.stdout.length, 1);
  return JSON.parse(io.stdout[0] ?? '') as unknown;
}

interface Json {
  phases: { id: string; title: string; milestones: { id: string; title: string; prds: { id: string; title: string; tasks: Record<string, unknown>[] }[] }[] }[];
}

describe('orch plan', () => {
  it('prints the seed roadmap as exactly the docs/design.md §4 JSON shape: 5 phases, 16 milestones', async () => {
    const json = (await planJson(['test/fixtures/roadmaps/seed-roadmap.md'])) as Json;
    assert.deepEqual(Object.keys(json), ['phases']);
    assert.deepEqual(
      json.phases.map((p) => [p.id, p.title, p.milestones.length]),
      [
        ['0', 'Core Foundation', 4],
        ['1', 'Dynamic Agent Management', 3],
        ['2', 'Verification & Testing', 3],
        ['3', 'Intelligence & Learning', 3],
        ['4', 'Scale & Performance', 3],
      ],
    );
    const milestones = json.phases.flatMap((p) => p.milestones);
    assert.equal(milestones.length, 16);
    assert.deepEqual(Object.keys(json.phases[0] ?? {}), ['id', 'title', 'milestones']);
    assert.deepEqual(milestones[0], { id: '0.1', title: 'Claude Code Integration Layer', prds: [] });
    assert.deepEqual(milestones[15], { id: '4.3', title: 'Enterprise Features', prds: [] });
  });

  it('prints the example PRDs and tasks with agent, phase and depends', async () => {
    const json = (await planJson(['examples/roadmap.md'])) as Json;
    const prds = json.phases.flatMap((p) => p.milestones.flatMap((m) => m.prds));
    assert.deepEqual(prds.map((p) => [p.id, p.title, p.tasks.length]), [['PRD-1', 'Greeting module', 4], ['PRD-2', 'Usage guide', 3]]);
    assert.deepEqual(prds[0]?.tasks[3], { id: 'T4', title: 'Test both functions', agent: 'qa-engineer', phase: 'qa', depends: ['T2', 'T3'] });
    const phases = new Set(prds.flatMap((p) => p.tasks.map((t) => t.phase)));
    assert.ok(phases.size >= 3, `tasks span ${[...phases].join(', ')}`);
  });

  it('gives null agent and phase when a PRD leaves them out, reading PRDs of --workspace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-plan-cli-'));
    try {
      writeFileSync(join(dir, 'roadmap.md'), '## Phase 1: A\n### Milestone 1.1: B\n');
      mkdirSync(join(dir, 'ws', '.orch', 'prds'), { recursive: true });
      writeFileSync(join(dir, 'ws', '.orch', 'prds', 'p.md'), '---\nid: P\nmilestone: "1.1"\ntitle: T\ntasks:\n  - { id: T1, title: a, description: b }\n---\n');
      const json = (await planJson(['roadmap.md', '--workspace', 'ws'], captureIo(dir))) as Json;
      assert.deepEqual(json.phases[0]?.milestones[0]?.prds[0]?.tasks, [{ id: 'T1', title: 'a', agent: null, phase: null, depends: [] }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints a readable tree without --json', async () => {
    const io = captureIo();
    assert.equal(await runCli(['plan', 'examples/roadmap.md'], io), 0);
    const text = io.stdout.join('\n');
    assert.match(text, /^GREETING SERVICE ROADMAP \(examples\/roadmap\.md\)\n1 phase, 2 milestones, 2 PRDs, 7 tasks\n/);
    assert.match(text, /\n {2}Milestone 1\.1: Greeting Module \[2 days\]\n {4}PRD-1: Greeting module\n {6}T1 Write the requirements \[product-planner, requirements\]\n/);
    assert.match(text, /\n {6}T4 Test both functions \[qa-engineer, qa\] after T2, T3\n/);
  });

  it('exits 2 naming the path of a missing roadmap', async () => {
    const io = captureIo();
    assert.equal(await runCli(['plan', 'no/such/roadmap.md', '--json'], io), 2);
    assert.deepEqual(io.stdout, []);
    assert.match(io.stderr.join('\n'), /no\/such\/roadmap\.md: roadmap file not found/);
  });

  it('exits 2 naming file and line of a bad roadmap', async () => {
    const io = captureIo();
    assert.equal(await runCli(['plan', 'test/fixtures/roadmaps/wrong-phase.md'], io), 2);
    assert.match(io.stderr.join('\n'), /test\/fixtures\/roadmaps\/wrong-phase\.md:8: milestone 2\.1 is under phase 1/);
  });

  it('reads `### 1.1 Title` milestones: 5 phases and 25 milestones, no warnings key when there are none', async () => {
    const io = captureIo();
    const json = (await planJson(['test/fixtures/roadmaps/numbered-milestones.md'], io)) as Json;
    assert.deepEqual(Object.keys(json), ['phases']);
    assert.deepEqual([json.phases.length, json.phases.flatMap((p) => p.milestones).length], [5, 25]);
    assert.deepEqual(io.stderr, []);
  });

  it('prints headings it cannot place as warnings on stderr and in --json, exiting 0', async () => {
    const io = captureIo();
    const json = (await planJson(['test/fixtures/roadmaps/unplaced-headings.md'], io)) as Json & { warnings: { file: string; line: number; message: string }[] };
    const file = 'test/fixtures/roadmaps/unplaced-headings.md';
    assert.deepEqual(Object.keys(json), ['phases', 'warnings']);
    assert.deepEqual(json.warnings.map((w) => [w.file, w.line]), [[file, 5], [file, 13], [file, 16], [file, 27], [file, 31]]);
    assert.match(json.warnings[2]?.message ?? '', /^'### 2\.1 Exports' is numbered for phase 2 but is under phase 1/);
    assert.equal(io.stderr.length, 5);
    assert.equal(io.stderr[0], `orch: warning: ${file}:5: '### 1.1 Purpose' reads like milestone 1.1 but is before any phase; it is not read as one`);
    const tree = captureIo();
    assert.equal(await runCli(['plan', file], tree), 0);
    assert.equal(tree.stderr.length, 5);
    assert.match(tree.stdout.join('\n'), /^Quill Roadmap \(test\/fixtures\/roadmaps\/unplaced-headings\.md\)\n3 phases, 3 milestones/);
  });

  it('exits 2 on phases without milestones and on a roadmap with no phases, naming file, line and the expected shape', async () => {
    const io = captureIo();
    assert.equal(await runCli(['plan', 'test/fixtures/roadmaps/phases-without-milestones.md', '--json'], io), 2);
    assert.deepEqual(io.stdout, []);
    assert.match(io.stderr.join('\n'), /test\/fixtures\/roadmaps\/phases-without-milestones\.md:5: no milestones: none of the 3 phases has a milestone heading/);
    const none = captureIo();
    assert.equal(await runCli(['plan', 'test/fixtures/roadmaps/no-structure.md'], none), 2);
    assert.match(none.stderr.join('\n'), /no-structure\.md:9: no phases found; the nearest candidate is '## Stage 1: Discovery' \(Orch reads phases as '## Phase 1: Title'/);
  });

  it('exits 2 listing every PRD problem with file and line', async () => {
    const io = captureIo();
    assert.equal(await runCli(['plan', 'test/fixtures/prds/broken/roadmap.md', '--json'], io), 2);
    const lines = io.stderr.join('\n').split('\n');
    const dir = 'test/fixtures/prds/broken/prds';
    assert.ok(lines.some((l) => l.startsWith(`${dir}/cycle.md:13: task T2 depends on 'T7', which is not a task of PRD-1`)), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`${dir}/cycle.md:9: dependency cycle in PRD-1: T1 -> T2 -> T1`)), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`${dir}/unknown-milestone.md:3: PRD-2: unknown milestone '9.9'`)), lines.join('\n'));
  });

  // `npm test` builds before the unit tests, so dist/cli.js is the code under test there.
  it('works the same from the built bundle (node dist/cli.js), when built', function () {
    const cli = join(ROOT, 'dist', 'cli.js');
    if (!existsSync(cli)) this.skip();
    const ok = spawnSync(process.execPath, [cli, 'plan', 'test/fixtures/roadmaps/seed-roadmap.md', '--json'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const json = JSON.parse(ok.stdout) as Json;
    assert.deepEqual(json.phases.flatMap((p) => p.milestones.map((m) => m.id)).length, 16);
    const bad = spawnSync(process.execPath, [cli, 'plan', 'test/fixtures/roadmaps/wrong-phase.md'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /wrong-phase\.md:8: /);
  });

  it('warns, with file and line, about an agent or a model that orch run would refuse, and still shows the plan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-plan-agents-'));
    try {
      writeFileSync(join(dir, 'roadmap.md'), '# R\n\n## Phase 1: P\n\n### Milestone 1.1: M\n');
      mkdirSync(join(dir, 'prds'));
      const prd = ['---', 'id: PRD-1', 'milestone: "1.1"', 'title: T', 'tasks:', '  - id: T1', '    title: A', '    description: Do A.', '    agent: nobody-agent', '  - id: T2', '    title: B', '    description: Do B.', '    agent: backend-engineer', '    model: gpt-99-ultra', '---', ''];
      writeFileSync(join(dir, 'prds', 'PRD-1.md'), prd.join('\n'));
      const io = captureIo(dir);
      assert.equal(await runCli(['plan', 'roadmap.md'], io), 0, io.stderr.join('\n'));
      assert.match(io.stdout.join('\n'), /T1 A \[nobody-agent/);
      const said = io.stderr.join('\n');
      // Named at the task's agent: and model: lines, not at its - id: line.
      assert.match(said, /^orch: warning: prds\/PRD-1\.md:9: task T1 names agent "nobody-agent"/m);
      assert.match(said, /^orch: warning: prds\/PRD-1\.md:14: task T2 pins model "gpt-99-ultra"/m);
      assert.match(said, /orch run refuses the plan until these are fixed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on usage errors', async () => {
    const io = captureIo();
    assert.equal(await runCli(['plan'], io), 2);
    assert.match(io.stderr.join('\n'), /expected <roadmap\.md>, got nothing/);
    assert.equal(await runCli(['plan', 'a.md', '--jsn'], captureIo()), 2);
  });
});
