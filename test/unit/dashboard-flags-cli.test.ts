import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';
import { useTempDir } from '../support/temp-dir';

// `[--port N | --no-dashboard]` (design §4) are alternatives: both at once is a usage error, refused
// before anything runs, not a --port silently ignored.
describe('--port with --no-dashboard', () => {
  const dir = useTempDir('orch-dashboard-flags-');

  for (const args of [['run', 'roadmap.md'], ['resume'], ['demo', '--exit']]) {
    it(`orch ${args[0]} refuses both with exit 2, naming both flags, before touching the workspace`, async () => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli([...args, '--port', '8081', '--no-dashboard'], { cwd: dir.path, env: {}, out: (t) => void out.push(t), err: (t) => void err.push(t) });
      assert.equal(code, 2, err.join('\n'));
      assert.match(err.join('\n'), /^orch: --port 8081 and --no-dashboard do not go together/);
      assert.deepEqual(out, []);
      assert.equal(existsSync(join(dir.path, '.orch')), false);
    });
  }

  it('takes either one alone as far as the next check (the roadmap here)', async () => {
    for (const flags of [['--port', '8081'], ['--no-dashboard']]) {
      const err: string[] = [];
      const code = await runCli(['run', 'missing.md', ...flags], { cwd: dir.path, env: {}, out: () => undefined, err: (t) => void err.push(t) });
      assert.equal(code, 2);
      assert.doesNotMatch(err.join('\n'), /do not go together/);
      assert.match(err.join('\n'), /missing\.md/);
    }
  });
});
