import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken, findToken, hashToken, parseExpiry, readTokens, revokeToken, tokenState } from './token-store';

describe('scoped tokens', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-tokens-'));
    file = join(dir, '.orch', 'tokens.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores only a hash of the token, in a file only its owner can read', async () => {
    const { token, stored } = await createToken(file, { name: 'ci', scope: 'read' });
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(token), 'the token itself is not stored');
    assert.equal(stored.sha256, hashToken(token));
    assert.ok(text.includes(stored.sha256));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(findToken(readTokens(file), token, Date.now())?.name, 'ci');
    assert.equal(findToken(readTokens(file), `${token}x`, Date.now()), undefined);
  });

  it('refuses a second active token of one name, and a bad name', async () => {
    await createToken(file, { name: 'ci', scope: 'read' });
    await assert.rejects(createToken(file, { name: 'ci', scope: 'control' }), (e: unknown) => e instanceof Error && 'hint' in e && /exists/.test(e.message) && /revoke it first/.test(String(e.hint)));
    await assert.rejects(createToken(file, { name: '../x', scope: 'read' }), /token name/);
  });

  it('a revoked token stops matching, stays listed, and its name can be reused', async () => {
    const { token } = await createToken(file, { name: 'ci', scope: 'control' });
    await revokeToken(file, 'ci');
    assert.equal(findToken(readTokens(file), token, Date.now()), undefined);
    assert.equal(tokenState(readTokens(file)[0]!, Date.now()), 'revoked');
    await assert.rejects(revokeToken(file, 'ci'), /no token named "ci"/);
    const again = await createToken(file, { name: 'ci', scope: 'read' });
    assert.equal(findToken(readTokens(file), again.token, Date.now())?.scope, 'read');
    assert.equal(readTokens(file).length, 2);
  });

  it('an expired token stops matching at its expiry', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const { token } = await createToken(file, { name: 'short', scope: 'read', expiresInMs: parseExpiry('30m') }, now);
    assert.equal(findToken(readTokens(file), token, now + 29 * 60_000)?.name, 'short');
    assert.equal(findToken(readTokens(file), token, now + 30 * 60_000), undefined);
  });

  it('reads expiries as m, h, d, w and names a bad one', () => {
    assert.equal(parseExpiry('7d'), 7 * 86_400_000);
    assert.equal(parseExpiry('2w'), 14 * 86_400_000);
    assert.equal(parseExpiry('12h'), 12 * 3_600_000);
    for (const bad of ['7', '0d', '1y', '-1d', '']) assert.throws(() => parseExpiry(bad), /--expires/);
  });
});
