import { strict as assert } from 'node:assert';
import { runCli } from '../../src/cli/run-cli';
import { useTempDir } from '../support/temp-dir';

describe('orch <command> --help', () => {
  const dir = useTempDir('orch-help-');

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { cwd: dir.path, env: {}, out: (t) => void out.push(t), err: (t) => void err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it("prints run's usage and every option it takes, exit 0, touching nothing", async () => {
    for (const args of [['run', '--help'], ['run', 'roadmap.md', '-h'], ['help', 'run']]) {
      const { code, out, err } = await cli(args);
      assert.equal(code, 0, err);
      assert.equal(err, '');
      assert.match(out, /^ {2}run <roadmap\.md> \[options\]/m);
      for (const flag of ['--milestone', '--parallel', '--budget', '--port', '--no-dashboard', '--no-git', '--queue', '--claude-path', '--workspace']) assert.ok(out.includes(`  ${flag} `), `${args.join(' ')}: ${flag} missing:\n${out}`);
      assert.doesNotMatch(out, /^ {2}(plan|status) /m);
    }
    const status = await cli(['status']);
    assert.match(status.err, /no runs in this workspace yet/, 'the folder has no run: --help must not have started one');
  });

  it("prints a command's lines that continue on the next line, and a sub-command's", async () => {
    const diff = await cli(['diff', '--help']);
    assert.equal(diff.code, 0);
    assert.match(diff.out, /diff \[runId\] \[--task ID\] \[--stat\] \[--json\]\n {20,}the verified work/);
    const token = await cli(['token', '--help']);
    assert.equal(token.code, 0, token.err);
    assert.match(token.out, /token create --name N --scope read\|control/);
  });

  it('treats --help after -- as an argument, not a request for help', async () => {
    const { code, err } = await cli(['run', '--', '--help']);
    assert.equal(code, 2);
    assert.match(err, /--help/);
  });

  it("answers a usage error with the command's own usage, not the whole list", async () => {
    const { code, err } = await cli(['run', '--parallel', 'many']);
    assert.equal(code, 2);
    assert.match(err, /^orch: expected <roadmap\.md>|^orch: --parallel/);
    assert.match(err, /--parallel N {8}agents at once/);
    assert.doesNotMatch(err, /^ {2}(plan|status|token) /m);
  });
});
