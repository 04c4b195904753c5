import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

// `orch demo` as a person and as a script run it. TMPDIR puts its workspace in the test's folder.
function demo(args: readonly string[], tmp: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts'), 'demo', ...args], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  return { child, output: () => text, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function lineMatching(output: () => string, pattern: RegExp, exited: Promise<unknown>): Promise<RegExpExecArray> {
  let ended = false;
  void exited.then(() => (ended = true));
  for (;;) {
    const match = pattern.exec(output());
    if (match !== null) return match;
    if (ended) throw new Error(`the demo ended without printing ${pattern}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('orch demo (processes)', function () {
  this.timeout(180_000);
  const tmp = useTempDir();

  it('serves the dashboard, and after the run keeps it up with review hints until Ctrl-C', async () => {
    const run = demo(['--pace', '0', '--port', '0'], tmp.path);
    try {
      const [, url, token] = await lineMatching(run.output, /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)#token=(\w+)/, run.exited);
      await lineMatching(run.output, /press Ctrl-C to end it/, run.exited);
      assert.match(run.output(), /run \S+: completed, 7\/7 tasks verified/);
      assert.match(run.output(), /dist\/cli\.js diff --stat/);
      assert.match(run.output(), new RegExp(`dashboard: ${url}#token=${token}\\n`), 'the URL is repeated after the run');
      const runs = (await (await fetch(`${url}api/runs`, { headers: { authorization: `Bearer ${token}` } })).json()) as { value: { state: string }[] };
      assert.deepEqual(runs.value.map((r) => r.state), ['completed'], 'the dashboard still answers after the run');
      run.child.kill('SIGINT');
      assert.equal(await run.exited, 0, run.output());
      await assert.rejects(fetch(`${url}api/health`), 'the dashboard closed with the demo');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('--exit ends with the run, with its exit code', async () => {
    const run = demo(['--exit', '--no-dashboard'], tmp.path);
    try {
      assert.equal(await run.exited, 0, run.output());
      assert.match(run.output(), /7\/7 tasks verified/);
      assert.doesNotMatch(run.output(), /Ctrl-C|dashboard:/);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
