import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeExecHelpers, execInHelper } from './exec-helpers';

const env = { ...process.env };

describe('execInHelper: commands run from small helper processes', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'orch-exec-helpers-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the exit code, stdout and stderr, in the folder and environment asked for', async () => {
    const result = await execInHelper({ file: '/bin/sh', args: ['-c', 'pwd; echo "$ORCH_TEST_VALUE" >&2; exit 3'], cwd: dir, env: { ...env, ORCH_TEST_VALUE: 'from the caller' }, maxBuffer: 1024 * 1024 });
    assert.deepEqual(result, { code: 3, stdout: `${dir}\n`, stderr: 'from the caller\n' });
  });

  it('counts a command that cannot start, or that is killed, as exit 1', async () => {
    const missing = await execInHelper({ file: join(dir, 'no-such-program'), args: [], cwd: dir, env, maxBuffer: 1024 });
    assert.equal(missing.code, 1);
    const killed = await execInHelper({ file: '/bin/sh', args: ['-c', 'kill -9 $$'], cwd: dir, env, maxBuffer: 1024 });
    assert.equal(killed.code, 1);
  });

  it('answers many commands at once, each with its own output', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => execInHelper({ file: '/bin/echo', args: [`n${i}`], cwd: dir, env, maxBuffer: 1024 })));
    assert.deepEqual(
      results.map((r) => r.stdout),
      Array.from({ length: 12 }, (_, i) => `n${i}\n`),
    );
  });

  it('starts commands from a helper process, not from Orch itself', async () => {
    const parent = await execInHelper({ file: '/bin/sh', args: ['-c', 'echo $PPID'], cwd: dir, env, maxBuffer: 1024 });
    assert.notEqual(parent.stdout.trim(), String(process.pid));
  });

  it('opens another helper only once the ones running have two commands in flight each', async () => {
    await closeExecHelpers();
    const parents = await Promise.all(Array.from({ length: 3 }, () => execInHelper({ file: '/bin/sh', args: ['-c', 'echo $PPID; sleep 0.3'], cwd: dir, env, maxBuffer: 1024 })));
    const [a, b, c] = parents.map((p) => p.stdout.trim());
    assert.equal(a, b, 'a pair shares one helper');
    assert.notEqual(c, a, 'a third, behind two, gets a helper of its own');
  });

  it('writes the input asked for to the command\'s stdin', async () => {
    const result = await execInHelper({ file: '/bin/cat', args: [], cwd: dir, env, maxBuffer: 1024, input: 'delete refs/heads/a\n' });
    assert.deepEqual(result, { code: 0, stdout: 'delete refs/heads/a\n', stderr: '' });
  });

  it('reports a command failed when its helper dies under it, and runs the next from a new helper', async () => {
    await execInHelper({ file: '/bin/true', args: [], cwd: dir, env, maxBuffer: 1024 });
    // Kills its parent only when that is a helper: a command run from this process itself never kills it.
    const cut = await execInHelper({ file: '/bin/sh', args: ['-c', `[ "$PPID" != "${process.pid}" ] && kill -9 $PPID; sleep 1`], cwd: dir, env, maxBuffer: 1024 });
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, /the helper running git stopped/);
    assert.equal((await execInHelper({ file: '/bin/echo', args: ['again'], cwd: dir, env, maxBuffer: 1024 })).stdout, 'again\n');
  });

  it('closes its idle helpers on request, and starts new ones for later commands', async () => {
    await execInHelper({ file: '/bin/true', args: [], cwd: dir, env, maxBuffer: 1024 });
    await closeExecHelpers();
    assert.equal((await execInHelper({ file: '/bin/echo', args: ['after'], cwd: dir, env, maxBuffer: 1024 })).stdout, 'after\n');
  });

  it('leaves no helper behind when Orch is killed with -9: it goes once its command has ended', async () => {
    const root = resolve(__dirname, '../../..');
    const marker = join(dir, 'helper-pid');
    const script = `import { execInHelper } from ${JSON.stringify(join(root, 'src/orchestrator/engine/exec-helpers'))};
void execInHelper({ file: '/bin/sh', args: ['-c', 'echo $PPID > ${marker}.tmp && mv ${marker}.tmp ${marker}; sleep 1'], cwd: '/', env: process.env, maxBuffer: 1024 });`;
    writeFileSync(join(dir, 'killed.ts'), script);
    const orch = spawn(process.execPath, ['--import', 'tsx', join(dir, 'killed.ts')], { cwd: root, stdio: 'ignore' });
    for (let waited = 0; !existsSync(marker) && waited < 100_000; waited += 50) await sleep(50);
    const helper = Number(readFileSync(marker, 'utf8').trim());
    orch.kill('SIGKILL');
    assert.notEqual(helper, orch.pid);
    for (let waited = 0; existsSync(`/proc/${helper}`) && waited < 30_000; waited += 50) await sleep(50);
    assert.equal(existsSync(`/proc/${helper}`), false, `helper ${helper} outlived its Orch`);
  });

  it('does not keep the process alive once its commands are done', async () => {
    const root = resolve(__dirname, '../../..');
    const script = `import { execInHelper } from ${JSON.stringify(join(root, 'src/orchestrator/engine/exec-helpers'))};
void execInHelper({ file: '/bin/echo', args: ['done'], cwd: '/', env: process.env, maxBuffer: 1024 }).then((r) => process.stdout.write(r.stdout));`;
    writeFileSync(join(dir, 'one-command.ts'), script);
    // Killed after 100 s (a loaded machine takes seconds to start tsx and the helpers): a pool that
    // kept the process alive fails here rather than hangs.
    const stdout = await new Promise<string>((ok, fail) =>
      execFile(process.execPath, ['--import', 'tsx', join(dir, 'one-command.ts')], { cwd: root, timeout: 100_000 }, (error, out) => (error === null ? ok(out) : fail(new Error(error.message)))),
    );
    assert.equal(stdout, 'done\n');
  });
});
