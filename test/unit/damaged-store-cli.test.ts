import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/run-cli';

// A `.orch/orch.json` that is not JSON is bad input like a damaged config: exit 2 naming the
// file and line with what to do, never a stack trace; and a run refused for it leaves nothing
// behind (no empty run folder, no lock), with the file as it was.
describe('orch with a .orch/orch.json that is not JSON', () => {
  const text = '{\n  "version": 1,\n  "runs": [\n';
  let workspace = '';
  let store = '';

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'orch damaged store '));
    cpSync(resolve(__dirname, '../../examples'), workspace, { recursive: true });
    mkdirSync(join(workspace, '.orch'));
    store = join(workspace, '.orch', 'orch.json');
    writeFileSync(store, text);
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  async function orch(args: readonly string[]): Promise<{ code: number; err: string }> {
    let err = '';
    const code = await runCli(args, { cwd: workspace, env: { HOME: workspace, ANTHROPIC_API_KEY: 'sk-test' }, out: () => undefined, err: (t) => (err += `${t}\n`) });
    return { code, err };
  }

  function assertReported(code: number, err: string): void {
    assert.equal(code, 2, err);
    assert.ok(err.startsWith(`orch: ${store}:3: invalid JSON: `), err);
    assert.match(err, /move it aside and Orch starts a new one/);
    assert.doesNotMatch(err, /\n\s+at /);
    assert.equal(readFileSync(store, 'utf8'), text);
  }

  for (const args of [['status'], ['learn'], ['learn', '--reset']]) {
    it(`orch ${args.join(' ')} exits 2 naming the file and line`, async () => {
      const { code, err } = await orch(args);
      assertReported(code, err);
    });
  }

  it('orch run exits 2 naming the file, leaving no run folder and no lock', async () => {
    const { code, err } = await orch(['run', 'roadmap.md', '--no-git', '--no-dashboard']);
    assertReported(code, err);
    const runs = join(workspace, '.orch', 'runs');
    assert.deepEqual(existsSync(runs) ? readdirSync(runs) : [], []);
    assert.equal(existsSync(join(workspace, '.orch', 'lock.json')), false);
  });
});
