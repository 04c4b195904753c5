import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENESIS, type AuditEntry } from './audit-entry';
import { appendAudit, audited, readAudit, verifyChain } from './audit-log';

const who = { kind: 'cli', name: 'ada', user: 'ada' } as const;

describe('the audit log', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-audit-'));
    file = join(dir, '.orch', 'audit.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function threeEntries(): Promise<string[]> {
    await appendAudit(file, { who, from: 'pid 1', action: 'run.pause', target: 'r1', outcome: 'requested' });
    await appendAudit(file, { who, from: 'pid 1', action: 'run.pause', target: 'r1', outcome: 'succeeded', ref: 1 });
    await appendAudit(file, { who, from: 'pid 2', action: 'token.revoke', target: 'ci', outcome: 'requested' });
    return (await readAudit(file)).lines.slice();
  }

  it('chains each entry to the one before, from a genesis hash, with consecutive seqs', async () => {
    const lines = await threeEntries();
    const entries = lines.map((l) => JSON.parse(l) as AuditEntry);
    assert.deepEqual(entries.map((e) => e.seq), [1, 2, 3]);
    assert.equal(entries[0]?.prev, GENESIS);
    assert.equal(entries[1]?.prev, entries[0]?.hash);
    assert.equal(entries[2]?.prev, entries[1]?.hash);
    assert.deepEqual(verifyChain(lines), { entries: 3, problems: [] });
  });

  it('detects an edited line, a removed line and reordered lines, naming the line', async () => {
    const lines = await threeEntries();
    const edited = [lines[0]!, lines[1]!.replace('"target":"r1"', '"target":"r2"'), lines[2]!];
    assert.deepEqual(verifyChain(edited).problems.map((p) => [p.line, /edited/.test(p.message)]), [[2, true]]);
    const removed = [lines[0]!, lines[2]!];
    assert.ok(verifyChain(removed).problems.some((p) => p.line === 2 && /removed/.test(p.message)), JSON.stringify(verifyChain(removed)));
    const firstRemoved = [lines[1]!, lines[2]!];
    assert.ok(verifyChain(firstRemoved).problems.some((p) => p.line === 1));
    const swapped = [lines[1]!, lines[0]!, lines[2]!];
    assert.ok(verifyChain(swapped).problems.length > 0);
    assert.ok(verifyChain([lines[0]!, 'not json', lines[2]!]).problems.some((p) => p.line === 2 && /JSON/.test(p.message)));
  });

  it('keeps one chain when many writers append at once (the lock serialises them)', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(file, { who, from: `pid ${i}`, action: 'run.cancel', outcome: 'requested' })));
    const { lines } = await readAudit(file);
    assert.equal(lines.length, 20);
    assert.deepEqual(verifyChain(lines).problems, []);
  });

  it('records a request before the action runs, then its outcome pointing back at it', async () => {
    let seenBefore = '';
    await audited(file, { who, from: 'pid 1', action: 'run.pause', target: 'r1' }, async () => {
      seenBefore = readFileSync(file, 'utf8');
      return 'done';
    });
    assert.match(seenBefore, /"outcome":"requested"/);
    await assert.rejects(
      audited(file, { who, from: 'pid 1', action: 'run.resume', target: 'r1' }, () => Promise.reject(new Error('no Orch process'))),
      /no Orch process/,
    );
    const entries = (await readAudit(file)).lines.map((l) => JSON.parse(l) as AuditEntry);
    assert.deepEqual(
      entries.map((e) => [e.seq, e.action, e.outcome, e.ref, e.error]),
      [
        [1, 'run.pause', 'requested', undefined, undefined],
        [2, 'run.pause', 'succeeded', 1, undefined],
        [3, 'run.resume', 'requested', undefined, undefined],
        [4, 'run.resume', 'failed', 3, 'no Orch process'],
      ],
    );
  });

  it('refuses to chain onto a last line that is not an entry, and names the fix', async () => {
    await threeEntries();
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"garbage":true}\n`);
    await assert.rejects(appendAudit(file, { who, from: 'pid 1', action: 'run.pause', outcome: 'requested' }), /orch audit --verify/);
  });
});
