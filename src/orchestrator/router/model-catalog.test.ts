import { strict as assert } from 'node:assert';
import { InputError } from '../errors';
import { ModelCatalog, priceUsd } from './model-catalog';

describe('ModelCatalog', () => {
  it('ships both providers with tiers, four prices and a context window, aliases resolving to full ids', () => {
    const c = ModelCatalog.build();
    assert.equal(c.get('claude-opus-4-8[1m]')?.name, 'opus');
    assert.equal(c.get('claude-sonnet-5')?.name, 'sonnet');
    assert.equal(c.get('claude-haiku-4-5-20251001')?.name, 'haiku', 'the id the claude CLI 2.1.197 sends for haiku');
    assert.deepEqual(
      ['opus', 'sonnet', 'haiku', 'gpt-4.1', 'gpt-4.1-mini'].map((m) => c.get(m)?.tier),
      ['strong', 'balanced', 'fast', 'balanced', 'fast'],
    );
    const haiku = c.get('haiku')!;
    assert.equal(priceUsd(haiku, { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 1_000_000, cacheWriteTokens: 1_000_000 }), 1 + 5 + 0.1 + 1.25);
    assert.equal(c.get('gpt-9'), undefined);
  });

  it('routes only among a provider\'s routable models, cheapest first', () => {
    const c = ModelCatalog.build();
    assert.deepEqual(c.candidates('claude').map((m) => m.name), ['haiku', 'sonnet', 'opus']);
    assert.deepEqual(c.candidates('openai').map((m) => m.name), ['gpt-4.1-mini', 'gpt-5', 'gpt-4.1']);
  });

  it('applies config overrides on a shipped model and adds a new one that says its provider and prices', () => {
    const c = ModelCatalog.build({
      sonnet: { inputPerMTok: 2, fallback: ['opus', 'haiku'] },
      'claude-sonnet-6': { provider: 'claude', tier: 'strong', inputPerMTok: 4, outputPerMTok: 20, routable: true },
    });
    assert.deepEqual([c.get('sonnet')?.inputPerMTok, c.get('sonnet')?.outputPerMTok], [2, 15]);
    assert.deepEqual(c.fallbackChain('sonnet'), ['opus', 'haiku']);
    const added = c.get('claude-sonnet-6')!;
    assert.deepEqual([added.tier, added.cacheReadPerMTok, added.cacheWritePerMTok, added.routable], ['strong', 0.4, 5, true]);
  });

  it('walks a chain through each model\'s own fallback without repeating', () => {
    const c = ModelCatalog.build();
    assert.deepEqual(c.fallbackChain('opus'), ['sonnet', 'haiku']);
    assert.deepEqual(c.fallbackChain('claude-opus-4-8'), ['sonnet', 'haiku']);
  });

  it('rejects a new model without prices and a fallback to another provider, naming the key', () => {
    assert.throws(() => ModelCatalog.build({ 'my-model': { tier: 'fast' } }), (e: unknown) => e instanceof InputError && /models\.my-model: .*"provider", "inputPerMTok" and "outputPerMTok"/.test(e.message));
    assert.throws(() => ModelCatalog.build({ opus: { fallback: ['gpt-4.1'] } }), (e: unknown) => e instanceof InputError && /models\.opus\.fallback names "gpt-4\.1", not a claude model/.test(e.message));
  });
});
