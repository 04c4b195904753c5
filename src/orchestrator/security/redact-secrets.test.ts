import { strict as assert } from 'node:assert';
import { redactDeep, redactor, secretsOf } from './redact-secrets';

describe('redact-secrets', () => {
  const env = {
    ANTHROPIC_API_KEY: 'sk-ant-0123456789',
    OPENAI_API_KEY: 'sk-openai-abcdefgh',
    GITHUB_TOKEN: 'ghp_zzzzzzzzzzzz',
    DB_PASSWORD: 'hunter2hunter2',
    HOME: '/root/home-directory',
    SHORT_TOKEN: 'abc',
    DEPLOY_TARGET: 'production-cluster',
  };

  it('knows credential-looking variables, and the ones named, but never short values', () => {
    const names = secretsOf(env).map((s) => s.name).sort();
    assert.deepEqual(names, ['ANTHROPIC_API_KEY', 'DB_PASSWORD', 'GITHUB_TOKEN', 'OPENAI_API_KEY']);
    assert.ok(secretsOf(env, ['DEPLOY_TARGET']).some((s) => s.name === 'DEPLOY_TARGET'));
  });

  it('replaces every occurrence by the variable name', () => {
    const redact = redactor(secretsOf(env));
    assert.equal(redact('key=sk-ant-0123456789 again sk-ant-0123456789'), 'key=[redacted ANTHROPIC_API_KEY] again [redacted ANTHROPIC_API_KEY]');
    assert.equal(redact('HOME=/root/home-directory'), 'HOME=/root/home-directory');
  });

  it('replaces a secret that contains another one whole', () => {
    const redact = redactor(secretsOf({ A_TOKEN: 'abcdefgh', B_TOKEN: 'abcdefgh-and-more' }));
    assert.equal(redact('abcdefgh-and-more'), '[redacted B_TOKEN]');
  });

  it('redacts inside nested values and keeps untouched ones as they are', () => {
    const redact = redactor(secretsOf(env));
    const clean = { list: ['a'], n: 1 };
    const value = { type: 'x', checks: [{ detail: 'OPENAI_API_KEY=sk-openai-abcdefgh' }], clean };
    const out = redactDeep(value, redact);
    assert.equal(out.checks[0]?.detail, 'OPENAI_API_KEY=[redacted OPENAI_API_KEY]');
    assert.equal(out.clean, clean);
    assert.equal(redactDeep(clean, redact), clean);
    assert.equal(value.checks[0]?.detail, 'OPENAI_API_KEY=sk-openai-abcdefgh', 'the input is not changed');
  });
});
