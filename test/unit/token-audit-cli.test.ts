import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/cli-io';
import { runCli } from '../../src/cli/run-cli';
import { useTempDir } from '../support/temp-dir';

describe('orch token and orch audit', () => {
  const tmp = useTempDir('orch-token-cli-');

  function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { cwd: tmp.path, env: { ...process.env }, out: (t) => out.push(t), err: (t) => err.push(t) };
    return runCli(args, io).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
  }

  it('create prints the token once (alone on stdout), list never shows it, revoke marks it; each change is audited', async () => {
    const created = await cli(['token', 'create', '--name', 'ci', '--scope', 'control', '--expires', '7d']);
    assert.equal(created.code, 0, created.err);
    const token = created.out.trim();
    assert.match(token, /^orch_[0-9a-f]{40}$/);
    assert.match(created.err, /shown once/);
    assert.ok(!readFileSync(join(tmp.path, '.orch', 'tokens.json'), 'utf8').includes(token));
    const listed = await cli(['token', 'list', '--json']);
    assert.ok(!listed.out.includes(token));
    const [entry] = (JSON.parse(listed.out) as { tokens: { name: string; scope: string; state: string; expiresAt: string | null }[] }).tokens;
    assert.deepEqual([entry?.name, entry?.scope, entry?.state], ['ci', 'control', 'active']);
    assert.ok(entry?.expiresAt !== null);
    assert.equal((await cli(['token', 'revoke', 'ci'])).code, 0);
    assert.match((await cli(['token', 'list'])).out, /ci\s+control\s+revoked/);
    assert.equal((await cli(['token', 'create', '--name', 'x', '--scope', 'admin'])).code, 2);
    assert.equal((await cli(['token', 'revoke', 'nobody'])).code, 2);
    const audit = await cli(['audit', '--json']);
    const actions = (JSON.parse(audit.out) as { entries: { action: string; outcome: string; who: { kind: string } }[] }).entries.map((e) => `${e.who.kind} ${e.action} ${e.outcome}`);
    assert.deepEqual(actions, ['cli token.create requested', 'cli token.create succeeded', 'cli token.revoke requested', 'cli token.revoke succeeded', 'cli token.revoke requested', 'cli token.revoke failed']);
    assert.ok(!audit.out.includes(token), 'the audit log never holds a token');
  });

  it('audit --verify passes an intact chain and names the line of an edited or removed entry (exit 1)', async () => {
    for (const name of ['a', 'b']) await cli(['token', 'create', '--name', name, '--scope', 'read']);
    const intact = await cli(['audit', '--verify']);
    assert.equal(intact.code, 0, intact.err);
    assert.match(intact.out, /4 entries, chain intact/);
    const file = join(tmp.path, '.orch', 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, `${[lines[0], lines[1]!.replace('"target":"a"', '"target":"z"'), lines[2], lines[3]].join('\n')}\n`);
    const edited = await cli(['audit', '--verify']);
    assert.equal(edited.code, 1);
    assert.match(edited.err, /audit\.jsonl:2: its content does not match its hash/);
    writeFileSync(file, `${[lines[0], lines[2], lines[3]].join('\n')}\n`);
    const removed = await cli(['audit', '--verify', '--json']);
    assert.equal(removed.code, 1);
    const report = JSON.parse(removed.out) as { intact: boolean; problems: { line: number }[] };
    assert.equal(report.intact, false);
    assert.equal(report.problems[0]?.line, 2);
    const printed = await cli(['audit']);
    assert.match(printed.out, /#1 \S+ cli:\S+ from pid \d+: token\.create requested a/);
  });

  it('audit names the lines it cannot read instead of leaving them out in silence', async () => {
    assert.equal((await cli(['token', 'create', '--name', 'ci', '--scope', 'read'])).code, 0);
    const file = join(tmp.path, '.orch', 'audit.jsonl');
    writeFileSync(file, `${readFileSync(file, 'utf8')}{cut short\n`);
    const listed = await cli(['audit']);
    assert.equal(listed.code, 0);
    assert.match(listed.out, /token\.create succeeded/);
    assert.match(listed.err, /audit\.jsonl:3: 1 line\(s\) not valid JSON, left out \(lines 3\)/);
  });
});
