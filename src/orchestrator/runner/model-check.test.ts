import assert from 'node:assert/strict';
import { estimateCostUsd, modelFamily, modelMatches, normalizeModel } from './model-check';

describe('model check', () => {
  it('normalizes the context-window suffix and finds families', () => {
    assert.equal(normalizeModel('claude-opus-4-8[1m]'), 'claude-opus-4-8');
    assert.deepEqual(['claude-opus-4-8[1m]', 'claude-haiku-4-5-20251001', 'sonnet', 'gpt-5'].map(modelFamily), ['opus', 'haiku', 'sonnet', undefined]);
  });

  it('lets an alias match any model of its family, and nothing else', () => {
    assert.equal(modelMatches('opus', 'claude-opus-4-8[1m]'), true);
    assert.equal(modelMatches('sonnet', 'claude-haiku-4-5'), false);
    assert.equal(modelMatches('haiku', 'claude-haiku-4-5-20251001'), true);
  });

  it('holds a full id to that id, up to a date suffix', () => {
    assert.equal(modelMatches('claude-sonnet-5', 'claude-sonnet-5-20260101'), true);
    assert.equal(modelMatches('claude-opus-4-8', 'claude-opus-4-8[1m]'), true);
    assert.equal(modelMatches('claude-opus-4-8', 'claude-opus-4-7'), false);
  });

  it('ignores what is not a model: the CLI synthetic errors, empty names, the default', () => {
    assert.equal(modelMatches('opus', '<synthetic>'), true);
    assert.equal(modelMatches('opus', ''), true);
    assert.equal(modelMatches('default', 'claude-haiku-4-5'), true);
  });

  it('estimates cost with the CLI prices per family', () => {
    assert.equal(estimateCostUsd('claude-opus-4-8', 200, 40), 0.002);
    assert.equal(estimateCostUsd('sonnet', 100, 20), 0.0006);
    assert.equal(estimateCostUsd('unknown-model', 1_000_000, 0), 3);
  });
});
