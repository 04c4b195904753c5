import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execOffThread } from './exec-off-thread';

const env = { ...process.env };

describe('execOffThread: commands run from worker threads', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'orch-exec-off-thread-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the exit code, stdout and stderr, in the folder and environment asked for', async () => {
    const result = await execOffThread({ file: '/bin/sh', args: ['-c', 'pwd; echo "$ORCH_TEST_VALUE" >&2; exit 3'], cwd: dir, env: { ...env, ORCH_TEST_VALUE: 'from the caller' }, maxBuffer: 1024 * 1024 });
    assert.deepEqual(result, { code: 3, stdout: `${dir}\n`, stderr: 'from the caller\n' });
  });

  it('counts a command that cannot start, or that is killed, as exit 1', async () => {
    const missing = await execOffThread({ file: join(dir, 'no-such-program'), args: [], cwd: dir, env, maxBuffer: 1024 });
    assert.equal(missing.code, 1);
    const killed = await execOffThread({ file: '/bin/sh', args: ['-c', 'kill -9 $$'], cwd: dir, env, maxBuffer: 1024 });
    assert.equal(killed.code, 1);
  });

  it('answers many commands at once, each with its own output', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => execOffThread({ file: '/bin/echo', args: [`n${i}`], cwd: dir, env, maxBuffer: 1024 })));
    assert.deepEqual(
      results.map((r) => r.stdout),
      Array.from({ length: 12 }, (_, i) => `n${i}\n`),
    );
  });

  it('does not keep the process alive once its commands are done', async () => {
    const root = resolve(__dirname, '../../..');
    const script = `import { execOffThread } from ${JSON.stringify(join(root, 'src/orchestrator/engine/exec-off-thread'))};
void execOffThread({ file: '/bin/echo', args: ['done'], cwd: '/', env: process.env, maxBuffer: 1024 }).then((r) => process.stdout.write(r.stdout));`;
    writeFileSync(join(dir, 'one-command.ts'), script);
    // Killed after 100 s (a loaded machine takes seconds to start tsx and the workers): a pool that
    // kept the process alive fails here rather than hangs.
    const stdout = await new Promise<string>((ok, fail) =>
      execFile(process.execPath, ['--import', 'tsx', join(dir, 'one-command.ts')], { cwd: root, timeout: 100_000 }, (error, out) => (error === null ? ok(out) : fail(new Error(error.message)))),
    );
    assert.equal(stdout, 'done\n');
  });
});
