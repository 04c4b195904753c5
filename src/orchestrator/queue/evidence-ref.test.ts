import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitOk } from '../engine/git';
import { redactor } from '../security/redact-secrets';
import { evidenceRef } from './code-remote';
import { packEvidence, relocateResults, unpackEvidence } from './evidence-ref';

describe('evidence files from a worker to the coordinator, through the code remote', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-evidence-ref-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('packs a worker\'s evidence folder, and the coordinator gets the same files, owner-only, text redacted again', async () => {
    const remote = join(dir, 'remote.git');
    const clone = join(dir, 'worker', 'repo.git');
    const made = join(dir, 'worker', 'evidence', 'PRD-1-T1-1');
    mkdirSync(made, { recursive: true });
    await gitOk(dir, ['init', '-q', '--bare', remote]);
    await gitOk(dir, ['init', '-q', '--bare', clone]);
    const screenshot = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0x00, 0x10]);
    writeFileSync(join(made, 'PRD-1-T1-1-check1.log'), '$ make test\n# cwd /w1/worktrees/T1\nkey=sk-coordinator-secret-123\n');
    writeFileSync(join(made, 'PRD-1-T1-1-check2-home.png'), screenshot);

    const pack = await packEvidence(clone, made, remote, 'PRD-1/T1#1');
    assert.ok(pack !== undefined);
    assert.equal((await gitOk(remote, ['rev-parse', evidenceRef('PRD-1/T1#1')])).trim(), pack.commit);
    assert.ok(!existsSync(join(clone, 'index')), 'the clone has no index of its own: a private one was used');

    const into = join(dir, 'coordinator', 'evidence');
    mkdirSync(into, { recursive: true });
    const names = await unpackEvidence(remote, pack.commit, into, redactor([{ name: 'MY_KEY', value: 'sk-coordinator-secret-123' }]));
    assert.deepEqual(names.sort(), ['PRD-1-T1-1-check1.log', 'PRD-1-T1-1-check2-home.png']);
    assert.ok(readFileSync(join(into, 'PRD-1-T1-1-check2-home.png')).equals(screenshot), 'binary bytes arrive unchanged');
    assert.equal(readFileSync(join(into, 'PRD-1-T1-1-check1.log'), 'utf8'), '$ make test\n# cwd /w1/worktrees/T1\nkey=[redacted MY_KEY]\n');
    for (const name of names) assert.equal(statSync(join(into, name)).mode & 0o777, 0o600, name);

    const results = [[{ check: 'command make test', passed: true, detail: 'exit 0', evidencePath: join(made, 'PRD-1-T1-1-check1.log') }], [{ check: 'file a.txt', passed: true, detail: 'a.txt exists (2 bytes)' }]];
    const moved = relocateResults(results, made, into, names);
    assert.equal(moved[0]![0]!.evidencePath, join(into, 'PRD-1-T1-1-check1.log'));
    assert.deepEqual(moved[1], results[1]);
    assert.throws(() => relocateResults([[{ ...results[0]![0]!, evidencePath: join(made, 'other.log') }]], made, into, names), /names other\.log, which the worker's evidence does not hold/);
    assert.throws(() => relocateResults([[{ ...results[0]![0]!, evidencePath: '/etc/passwd' }]], made, into, names), /is \/etc\/passwd, not one of the worker's evidence files/);
  });

  it('refuses a second pack for the same attempt, and packs nothing for checks that left no file', async () => {
    const remote = join(dir, 'remote.git');
    const clone = join(dir, 'worker', 'repo.git');
    const made = join(dir, 'worker', 'evidence', 'PRD-1-T1-1');
    writeFileSync(join(made, 'PRD-1-T1-1-check1.log'), 'a late run of the same attempt\n');
    await assert.rejects(packEvidence(clone, made, remote, 'PRD-1/T1#1'), /stale info|rejected/);
    const empty = join(dir, 'worker', 'evidence', 'PRD-1-T2-1');
    mkdirSync(empty, { recursive: true });
    assert.equal(await packEvidence(clone, empty, remote, 'PRD-1/T2#1'), undefined);
  });
});
