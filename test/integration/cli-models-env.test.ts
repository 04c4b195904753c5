import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRun } from '../../src/cli/run-setup';
import { REPO_ROOT } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

// The editor's orch.models setting reaches `orch run`/`orch resume` through ORCH_MODELS.
describe('ORCH_MODELS: the orch.models setting in the CLI', function () {
  const tmp = useTempDir();

  function workspace(): string {
    const ws = join(tmp.path, 'ws');
    mkdirSync(join(ws, '.orch'), { recursive: true });
    writeFileSync(join(ws, '.orch', 'config.json'), JSON.stringify({ models: { sonnet: { inputPerMTok: 3 }, opus: { tier: 'strong' } } }));
    writeFileSync(join(ws, 'roadmap.md'), '# R\n\n## Phase 1: P\n\n### Milestone 1.1: M\n');
    return ws;
  }

  it('merges the variable\'s models over .orch/config.json for a run', async () => {
    const ws = workspace();
    const io = { cwd: ws, env: { HOME: tmp.path, ORCH_MODELS: JSON.stringify({ sonnet: { inputPerMTok: 5, routable: false } }) }, out: () => undefined, err: () => undefined };
    const { config } = await prepareRun(io, {});
    assert.deepEqual(config.models, { sonnet: { inputPerMTok: 5, routable: false }, opus: { tier: 'strong' } });
  });

  it('`orch run` exits 2 before anything starts when the variable is invalid, naming the setting', async () => {
    const ws = workspace();
    const child = spawn(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts'), 'run', 'roadmap.md', '--no-dashboard'], {
      cwd: ws,
      env: { PATH: process.env.PATH, HOME: tmp.path, ORCH_MODELS: '{"sonnet":{"inputPerMTok":"cheap"}}' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2, err);
    assert.match(err, /ORCH_MODELS \(the orch\.models setting\): models\.sonnet\.inputPerMTok: Invalid input: expected number, received string/);
  });
});
