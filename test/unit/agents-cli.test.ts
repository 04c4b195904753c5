import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliIo } from '../../src/cli/cli-io';
import { runCli } from '../../src/cli/run-cli';
import { TestWorkspace } from '../support/agents-workspace';
import { DEFAULT_PHASES } from '../../src/protocol/domain';
import { aliasBomb, nestedBlock, nestedFlow } from '../support/hostile-yaml';

const ROOT = resolve(__dirname, '../..');

interface Captured extends CliIo {
  readonly stdout: string[];
  readonly stderr: string[];
}

interface AgentsJson {
  agents: Record<string, unknown>[];
  invalid: { file: string; line: number; message: string }[];
  teams: Record<string, string[]>;
  warnings: { file: string; line: number; message: string }[];
}

describe('orch agents', () => {
  let ws: TestWorkspace;
  beforeEach(() => {
    ws = new TestWorkspace();
  });
  afterEach(() => ws.cleanup());

  // The home folder is a temp dir, so the developer's own ~/.claude/agents never leak in.
  const io = (cwd = ws.workspace): Captured => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { cwd, env: { HOME: ws.homeDir }, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t), stdout, stderr };
  };

  async function agentsJson(args: readonly string[] = []): Promise<AgentsJson> {
    const captured = io();
    const code = await runCli(['agents', '--json', ...args], captured);
    assert.equal(code, 0, captured.stderr.join('\n'));
    assert.equal(captured.stdout.length, 1);
    return JSON.parse(captured.stdout[0] ?? '') as AgentsJson;
  }

  it('prints the built-in roster in the docs/design.md §4 shape', async () => {
    ws.write(join(ws.workspace, 'README.md'), 'a workspace\n');
    const json = await agentsJson();
    assert.deepEqual(Object.keys(json), ['agents', 'invalid', 'teams', 'warnings']);
    assert.equal(json.agents.length, 14);
    assert.deepEqual(json.invalid, []);
    const cto = json.agents.find((a) => a.name === 'cto');
    assert.deepEqual(Object.keys(cto ?? {}), ['name', 'description', 'model', 'provider', 'tools', 'team', 'phases', 'source']);
    assert.deepEqual(
      [cto?.model, cto?.provider, cto?.team, cto?.phases, cto?.source],
      ['opus', 'claude', 'leadership', ['architecture', 'leadership-review'], join(ROOT, 'agents', 'cto.md')],
    );
    assert.ok(Array.isArray(cto?.tools) && cto.tools.includes('Read'));
    assert.equal(json.agents.find((a) => a.name === 'ux-ui-designer')?.tools, null);
    assert.ok(json.teams.engineering?.includes('backend-engineer'));
  });

  it('merges the user and workspace folders and lists invalid files with file and line, still exiting 0', async () => {
    const mine = ws.writeAgent(ws.orchDir, 'cto.md', ['name: cto', 'description: Our own CTO', 'model: sonnet']);
    const helper = ws.writeAgent(ws.userDir, 'helper.md', ['name: helper', 'description: A personal helper', 'tools: Read, Grep']);
    const broken = ws.writeAgent(ws.orchDir, 'broken.md', ['name: broken', 'description: d', 'provider: gemini']);
    const typo = ws.writeAgent(ws.claudeDir, 'typo.md', ['name: typo', 'description: d', 'tools: Read, Grpe', 'phases: [discovery]']);
    ws.write(ws.teamsFile, 'core: [cto, nobody]\n');
    const json = await agentsJson(['--workspace', ws.workspace]);
    const cto = json.agents.find((a) => a.name === 'cto');
    assert.deepEqual([cto?.source, cto?.model, cto?.team, cto?.tools], [mine, 'sonnet', 'core', null]);
    const helperJson = json.agents.find((a) => a.name === 'helper');
    assert.deepEqual([helperJson?.source, helperJson?.tools, helperJson?.team], [helper, ['Read', 'Grep'], null]);
    assert.deepEqual(json.invalid, [{ file: broken, line: 4, message: "unknown provider 'gemini' (use provider: claude (the default) or provider: openai)" }]);
    // Claude Code loads a file with a tool name it does not know (and ignores the name): a warning, not a skip.
    assert.deepEqual(json.warnings.map((w) => [w.file, w.line, w.message]), [
      [typo, 4, "unknown tool 'Grpe' (Claude Code ignores it) (did you mean 'Grep'?)"],
      // Orch's own keys in a file Claude Code loads are advisory there; in .orch/agents they are checked.
      [typo, 5, `unknown phase 'discovery'; ignored (use one of: ${DEFAULT_PHASES.join(', ')})`],
      [ws.teamsFile, 1, "team 'core' names unknown agent 'nobody' (add an agent file with that name or remove it from the team)"],
    ]);
    assert.equal(json.agents.some((a) => a.name === 'broken'), false);
    assert.deepEqual(json.agents.find((a) => a.name === 'typo')?.tools, ['Read', 'Grpe']);
    assert.deepEqual(json.agents.find((a) => a.name === 'typo')?.phases, []);
  });

  it('prints a table on stdout and the invalid files on stderr, exiting 0', async () => {
    const broken = ws.writeAgent(ws.orchDir, 'broken.md', ['description: no name']);
    ws.writeAgent(ws.orchDir, 'mine.md', ['name: mine', 'description: d', 'phases: [qa]']);
    const captured = io();
    const code = await runCli(['agents'], captured);
    assert.equal(code, 0);
    const table = captured.stdout.join('\n');
    assert.match(table, /^NAME\s+MODEL\s+PROVIDER\s+TEAM\s+PHASES\s+SOURCE/);
    assert.match(table, /\nmine\s+inherit\s+claude\s+-\s+qa\s+\.orch\/agents\/mine\.md\n/);
    assert.match(table, /\ncto\s+opus\s+claude\s+leadership\s+architecture,leadership-review\s+built-in\/cto\.md\n/);
    assert.match(table, /15 agent\(s\), 1 invalid file\(s\) skipped/);
    assert.deepEqual(captured.stderr, [`orch: skipped ${broken}:1: missing name (add a line name: broken)`]);
  });

  it('skips an alias bomb in ~/.claude/agents and files nested 4,000 deep with their file:line, loading the rest', async () => {
    const bomb = ws.writeAgent(ws.userDir, 'bomb.md', ['name: bomb', 'description: d', ...aliasBomb()]);
    const deep = ws.writeAgent(ws.orchDir, 'deep.md', ['name: deep', 'description: d', ...nestedBlock(4000)]);
    const flow = ws.writeAgent(ws.claudeDir, 'flow.md', ['name: flow', 'description: d', nestedFlow(4000)]);
    ws.writeAgent(ws.orchDir, 'fine.md', ['name: fine', 'description: d']);
    ws.write(ws.teamsFile, `core: [fine]\n${nestedBlock(4000).join('\n')}\n`);
    const json = await agentsJson();
    assert.deepEqual(
      json.invalid.map((i) => [i.file, i.line, i.message.split(' (')[0]]),
      [
        [bomb, 5, 'the YAML aliases would expand more than 100 times, as in an alias bomb'],
        [flow, 4, 'the YAML is nested more than 64 levels deep'],
        [deep, 4 + 64, 'the YAML is nested more than 64 levels deep'],
        [ws.teamsFile, 2 + 64, 'the YAML is nested more than 64 levels deep'],
      ],
    );
    assert.ok(json.agents.some((a) => a.name === 'fine'));
    assert.equal(json.agents.some((a) => ['bomb', 'deep', 'flow'].includes(String(a.name))), false);
  });

  it('skips a 5,000-character agent name and cuts long cells, so the table stays as wide as its columns allow', async () => {
    const huge = ws.writeAgent(ws.claudeDir, 'huge.md', ['name: a' + 'b'.repeat(4999), 'description: d']);
    ws.writeAgent(ws.orchDir, 'wide.md', [`name: ${'w'.repeat(64)}`, 'description: d', `team: ${'t'.repeat(300)}`, `model: ${'m'.repeat(300)}`]);
    const captured = io();
    assert.equal(await runCli(['agents'], captured), 0);
    const lines = captured.stdout.join('\n').split('\n');
    const wide = lines.find((line) => line.startsWith('www'));
    assert.match(wide ?? '', /^w{39}… +m{39}… +claude +t{39}… +- +\.orch\/agents\/wide\.md$/);
    // Five cut cells of 40, the provider and a source path: nowhere near the 5,000 columns a long name made.
    assert.ok(Math.max(...lines.map((line) => line.length)) < 300, 'no line wider than its cut cells');
    assert.deepEqual(captured.stderr, [`orch: skipped ${huge}:2: the name is 5000 characters long; Orch reads agent names of up to 64 (shorten it: tasks name their agent by it, and tables show it)`]);
  });

  it('checks phases against the workspace config', async () => {
    ws.write(join(ws.workspace, '.orch', 'config.json'), JSON.stringify({ phases: ['design', 'build'] }));
    ws.writeAgent(ws.orchDir, 'builder.md', ['name: builder', 'description: d', 'phases: [build]']);
    const json = await agentsJson();
    assert.deepEqual(json.agents.find((a) => a.name === 'builder')?.phases, ['build']);
    // Built-in agents keep only the phases this workspace has, rather than turning invalid.
    assert.deepEqual(json.invalid, []);
    assert.deepEqual(json.agents.find((a) => a.name === 'cto')?.phases, []);
  });

  it('exits 2 on bad usage', async () => {
    for (const args of [['--nope'], ['extra'], ['--workspace', join(ws.root, 'missing')]]) {
      const captured = io();
      assert.equal(await runCli(['agents', ...args], captured), 2, args.join(' '));
      assert.ok(captured.stderr.join('\n').length > 0);
    }
  });

  // `npm test` builds before the unit tests, so dist/cli.js is the code under test there.
  it('finds the built-in agents from the built bundle (node dist/cli.js), when built', function () {
    const cli = join(ROOT, 'dist', 'cli.js');
    if (!existsSync(cli) || statSync(cli).mtimeMs < statSync(join(ROOT, 'src', 'cli', 'commands', 'agents.ts')).mtimeMs) this.skip();
    const run = spawnSync(process.execPath, [cli, 'agents', '--json', '--workspace', ws.workspace], { encoding: 'utf8', env: { ...process.env, HOME: ws.homeDir } });
    assert.equal(run.status, 0, run.stderr);
    const json = JSON.parse(run.stdout) as AgentsJson;
    assert.equal(json.agents.length, 14);
    assert.equal(json.agents[0]?.source, join(ROOT, 'agents', 'backend-engineer.md'));
    assert.equal(spawnSync(process.execPath, [cli, 'agents', '--bad'], { encoding: 'utf8' }).status, 2);
  });
});
