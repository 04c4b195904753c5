import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { NewEvent } from '../../protocol/events';
import { gitOk } from '../engine/git';
import { OrchStore } from '../store/orch-store';
import { workspacePaths } from '../workspace/workspace-paths';
import { MANIFEST_PATH, SUMS_PATH } from './backup-manifest';
import { restoreBackup } from './restore-backup';
import { tarEnd, tarEntry } from './tar-format';
import { writeBackup } from './write-backup';

const BODIES: readonly NewEvent[] = [
  { type: 'run.started', roadmapFile: '/elsewhere/roadmap.md', milestones: [] },
  { type: 'warning.raised', message: 'one' },
  { type: 'warning.raised', message: 'two' },
];

function logLines(runId: string, count: number): string {
  return BODIES.slice(0, count).map((b, i) => `${JSON.stringify({ ...b, seq: i + 1, at: '2026-01-01T00:00:00.000Z', runId })}\n`).join('');
}

describe('orch restore: what it refuses and what it keeps', function () {
  this.timeout(120_000);
  let dir = '';
  let ws = '';
  let archive = '';

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-restore-'));
    ws = join(dir, 'ws');
    mkdirSync(join(ws, '.orch', 'runs', 'r1', 'evidence'), { recursive: true });
    await gitOk(ws, ['init', '-q', '-b', 'main']);
    writeFileSync(join(ws, 'README.md'), 'project\n');
    await gitOk(ws, ['add', 'README.md']);
    await gitOk(ws, ['commit', '-q', '-m', 'init']);
    await gitOk(ws, ['branch', 'orch/r1/integration']);
    writeFileSync(join(ws, '.orch', 'runs', 'r1', 'events.jsonl'), logLines('r1', 3));
    writeFileSync(join(ws, '.orch', 'runs', 'r1', 'evidence', 'check.log'), 'passed\n');
    await (await OrchStore.open(join(ws, '.orch', 'orch.json'))).upsertRun({ runId: 'r1', roadmapFile: 'roadmap.md', state: 'completed', startedAt: '2026-01-01', updatedAt: '2026-01-02' });
    archive = join(dir, 'b.tar.gz');
    await writeBackup(workspacePaths(ws), archive);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('restores over an older copy of the same run, and merges the run index instead of replacing it', async () => {
    const into = join(dir, 'into');
    mkdirSync(join(into, '.orch', 'runs', 'r1'), { recursive: true });
    writeFileSync(join(into, '.orch', 'runs', 'r1', 'events.jsonl'), logLines('r1', 2));
    await (await OrchStore.open(join(into, '.orch', 'orch.json'))).upsertRun({ runId: 'r2', roadmapFile: 'other.md', state: 'failed', startedAt: '2026-02-01', updatedAt: '2026-02-01' });
    const result = await restoreBackup(archive, into);
    assert.equal(readFileSync(join(into, '.orch', 'runs', 'r1', 'events.jsonl'), 'utf8'), logLines('r1', 3));
    assert.equal(readFileSync(join(into, '.orch', 'runs', 'r1', 'evidence', 'check.log'), 'utf8'), 'passed\n');
    assert.deepEqual((await OrchStore.open(join(into, '.orch', 'orch.json'))).runs.map((r) => r.runId).sort(), ['r1', 'r2']);
    assert.equal(result.branches, 2, 'main and the run branch, into a new repository');
    assert.equal((await gitOk(into, ['rev-parse', 'orch/r1/integration'])).trim(), (await gitOk(ws, ['rev-parse', 'orch/r1/integration'])).trim());
    assert.equal(readFileSync(join(into, 'README.md'), 'utf8'), 'project\n', 'the new repository is checked out');
    assert.deepEqual(readdirSync(into).filter((f) => f.startsWith('.orch-restore')), [], 'no staging folder left');
    // Restoring the same backup again changes nothing and is no conflict.
    await restoreBackup(archive, into);
  });

  it('never rolls back the audit log or the token list, even with --force; a new workspace gets them', async () => {
    writeFileSync(join(ws, '.orch', 'audit.jsonl'), '{"seq":1}\n');
    writeFileSync(join(ws, '.orch', 'tokens.json'), '{"tokens":[]}\n');
    const withAudit = join(dir, 'with-audit.tar.gz');
    await writeBackup(workspacePaths(ws), withAudit);
    const fresh = join(dir, 'fresh');
    await restoreBackup(withAudit, fresh);
    assert.equal(readFileSync(join(fresh, '.orch', 'audit.jsonl'), 'utf8'), '{"seq":1}\n');
    writeFileSync(join(ws, '.orch', 'audit.jsonl'), '{"seq":1}\n{"seq":2}\n');
    writeFileSync(join(ws, '.orch', 'tokens.json'), '{"tokens":["revoked later"]}\n');
    const result = await restoreBackup(withAudit, ws, { force: true });
    assert.deepEqual(result.kept, ['.orch/audit.jsonl', '.orch/tokens.json']);
    assert.equal(readFileSync(join(ws, '.orch', 'audit.jsonl'), 'utf8'), '{"seq":1}\n{"seq":2}\n');
    assert.equal(readFileSync(join(ws, '.orch', 'tokens.json'), 'utf8'), '{"tokens":["revoked later"]}\n');
  });

  it('refuses a branch with commits the backup lacks, changing nothing', async () => {
    const into = join(dir, 'into');
    await restoreBackup(archive, into);
    await gitOk(into, ['config', 'user.name', 't']);
    await gitOk(into, ['config', 'user.email', 't@t']);
    await gitOk(into, ['commit', '-q', '--allow-empty', '-m', 'later work']);
    await gitOk(into, ['branch', '-f', 'orch/r1/integration', 'HEAD']);
    const tip = (await gitOk(into, ['rev-parse', 'orch/r1/integration'])).trim();
    await assert.rejects(restoreBackup(archive, into), /newer state than the backup: branch orch\/r1\/integration has commits the backup lacks/);
    assert.equal((await gitOk(into, ['rev-parse', 'orch/r1/integration'])).trim(), tip);
    assert.equal((await gitOk(into, ['for-each-ref', 'refs/orch-restore/'])).trim(), '', 'staged refs removed');
  });

  it('refuses a damaged, a truncated and a foreign archive before writing anything', async () => {
    const tar = gunzipSync(readFileSync(archive));
    const at = tar.indexOf('passed\n');
    tar[at] = 0x50;
    const damaged = join(dir, 'damaged.tar.gz');
    writeFileSync(damaged, gzipSync(tar));
    const into = join(dir, 'into');
    await assert.rejects(restoreBackup(damaged, into), /damaged backup: workspace\/\.orch\/runs\/r1\/evidence\/check\.log does not match its checksum/);
    assert.equal(existsSync(join(into, '.orch', 'runs')), false);
    const truncated = join(dir, 'truncated.tar.gz');
    writeFileSync(truncated, readFileSync(archive).subarray(0, 300));
    await assert.rejects(restoreBackup(truncated, into), /damaged backup/);
    const foreign = join(dir, 'foreign.tar.gz');
    writeFileSync(foreign, gzipSync(Buffer.concat([...tarEntry({ path: 'etc/passwd', data: Buffer.from('x') }), tarEnd()])));
    await assert.rejects(restoreBackup(foreign, into), /refusing a backup entry outside the workspace: "etc\/passwd"/);
    const escape = join(dir, 'escape.tar.gz');
    const manifest = tarEntry({ path: MANIFEST_PATH, data: Buffer.from(JSON.stringify({ format: 'orch-backup', version: 1, createdAt: 'x', source: '/', runs: [] })) });
    writeFileSync(escape, gzipSync(Buffer.concat([...manifest, ...tarEntry({ path: 'workspace/../../evil', data: Buffer.from('x') }), ...tarEntry({ path: SUMS_PATH, data: Buffer.from('{}') }), tarEnd()])));
    await assert.rejects(restoreBackup(escape, into), /outside the workspace: "workspace\/\.\.\/\.\.\/evil"/);
    assert.equal(existsSync(join(dir, 'evil')), false);
  });
});
