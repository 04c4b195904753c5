import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';

// A backup restored into another folder says how to continue its live run from where the person
// is: `orch resume` must be pointed at that folder, quoted for the shell.
describe('orch restore --into names the folder in its resume hint', () => {
  const runId = '20260101T000000-5ca1ed';
  let root = '';
  let out = '';
  let code = -1;

  before(async function () {
    this.timeout(60_000);
    root = realpathSync(mkdtempSync(join(tmpdir(), 'orch restore hint ')));
    const source = join(root, 'source');
    mkdirSync(join(source, '.orch', 'runs', runId), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: source, stdio: 'ignore' });
    git('init', '-q', '.');
    git('commit', '-q', '--allow-empty', '-m', 'init');
    const started = { type: 'run.started', roadmapFile: join(source, 'roadmap.md'), milestones: [], seq: 1, at: '2026-01-01T00:00:00.000Z', runId };
    writeFileSync(join(source, '.orch', 'runs', runId, 'events.jsonl'), `${JSON.stringify(started)}\n`);
    const io = { cwd: source, env: { HOME: root }, out: (t: string) => (out += `${t}\n`), err: (t: string) => (out += `${t}\n`) };
    const archive = join(root, 'backup.tar.gz');
    assert.equal(await runCli(['backup', '--out', archive], io), 0, out);
    code = await runCli(['restore', archive, '--into', join(root, "it's restored")], io);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('prints orch resume with --workspace and the quoted folder', () => {
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`continue it with: orch resume ${runId} --workspace '${root}/it'\\\\''s restored'\\)`));
  });
});
