import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli } from '../../src/cli/run-cli';

describe('orch --version', () => {
  const { version } = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };

  for (const flag of ['--version', '-v', 'version']) {
    it(`prints the version of package.json for ${flag}, exit 0`, async () => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli([flag], { cwd: process.cwd(), env: {}, out: (t) => void out.push(t), err: (t) => void err.push(t) });
      assert.equal(code, 0);
      assert.deepEqual(out, [`orch ${version}`]);
      assert.deepEqual(err, []);
    });
  }
});
