import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/orchestrator/config/orch-config';
import { CONFIG_DOC, DESCRIPTIONS, renderConfigReference, schemaKeys } from '../../scripts/config-reference';

describe('docs/config.md, the .orch/config.json reference', () => {
  it('is what the schema generates today (else: npm run docs:config)', () => {
    const expected = renderConfigReference();
    const actual = readFileSync(CONFIG_DOC, 'utf8');
    assert.ok(actual === expected, 'docs/config.md is out of date with src/orchestrator/config/orch-config.ts: run `npm run docs:config` and commit the result');
  });

  it('lists every key the schema accepts, nested ones included', () => {
    const text = readFileSync(CONFIG_DOC, 'utf8');
    const paths = schemaKeys().map((k) => k.path);
    for (const path of ['parallel', 'router.targetFirstPassRate', 'models.<name>.fallback', 'chromiumPath']) assert.ok(paths.includes(path), path);
    for (const path of paths) assert.ok(text.includes(`| \`${path}\` |`), `no row for ${path}`);
  });

  it('refuses a schema key without a description, naming it', () => {
    const withoutOne = Object.fromEntries(Object.entries(DESCRIPTIONS).filter(([path]) => path !== 'router.fallbackPinned'));
    assert.throws(() => renderConfigReference(withoutOne), /missing description for config key "router\.fallbackPinned"/);
  });

  it('refuses a description for a key the schema does not have, naming it', () => {
    assert.throws(() => renderConfigReference({ ...DESCRIPTIONS, paralel: 'a typo' }), /description for "paralel", which the schema .* does not have/);
  });

  it('shows an example that the config parser accepts', () => {
    const text = readFileSync(CONFIG_DOC, 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(text)?.[1];
    assert.ok(example !== undefined, 'no JSON example in docs/config.md');
    const config = parseConfig(example, 'docs/config.md');
    assert.equal(config.parallel, 2);
    assert.equal(config.models.haiku?.routable, false);
  });

  it('states the defaults the parser fills in', () => {
    const defaults = parseConfig('{}', 'c.json');
    const text = readFileSync(CONFIG_DOC, 'utf8');
    for (const key of ['parallel', 'attemptTimeoutSec', 'inactivityTimeoutSec', 'maxAttempts', 'dashboardPort'] as const) {
      const line = text.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
      assert.ok(line?.includes(`| \`${JSON.stringify(defaults[key])}\` |`), `${key}: default ${defaults[key]} not on its row: ${line}`);
    }
  });
});
