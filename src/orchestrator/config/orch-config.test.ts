import { strict as assert } from 'node:assert';
import { InputError, InputErrors } from '../errors';
import { defaultConfig, parseConfig } from './orch-config';

describe('parseConfig', () => {
  it('fills defaults, including the eight phases', () => {
    const config = parseConfig('{"parallel": 2}', 'c.json');
    assert.equal(config.parallel, 2);
    assert.equal(config.maxAttempts, 3);
    assert.equal(config.phases.length, 8);
    assert.equal(defaultConfig.dashboardPort, 8080);
  });

  it('names an unknown key with its line', () => {
    assert.throws(
      () => parseConfig('{\n  "parallel": 2,\n  "paralel": 3\n}', 'ws/.orch/config.json'),
      (error: unknown) => {
        assert.ok(error instanceof InputErrors);
        assert.equal(error.errors[0]?.format(), 'ws/.orch/config.json:3: unknown key "paralel"');
        return true;
      },
    );
  });

  it('names an ill-typed value with its key and line', () => {
    assert.throws(
      () => parseConfig('{\n  "budgetUsd": -1\n}', 'c.json'),
      (error: unknown) => error instanceof InputErrors && /c\.json:2: budgetUsd: /.test(error.message),
    );
  });

  it('reports broken JSON with a line', () => {
    assert.throws(
      () => parseConfig('{\n  "parallel": 2,\n}', 'c.json'),
      (error: unknown) => error instanceof InputError && error.file === 'c.json' && typeof error.line === 'number',
    );
  });
  it('reads router settings, a per-task cap and model overrides, and names an unknown router key', () => {
    const config = parseConfig('{"taskBudgetUsd": 2, "router": {"targetFirstPassRate": 0.8}, "models": {"haiku": {"fallback": ["sonnet"], "routable": false}}}', 'c.json');
    assert.deepEqual(config.router, { enabled: true, targetFirstPassRate: 0.8, fallbackPinned: false });
    assert.equal(config.taskBudgetUsd, 2);
    assert.equal(config.models.haiku?.routable, false);
    assert.equal(defaultConfig.router.enabled, true);
    assert.throws(
      () => parseConfig('{\n  "router": {\n    "fallbackPined": true\n  }\n}', 'c.json'),
      (error: unknown) => error instanceof InputErrors && error.errors[0]?.format() === 'c.json:3: unknown key "fallbackPined"',
    );
  });

  it('reads the worktree setup command and its timeout, and names an unknown worktree key with its line', () => {
    const config = parseConfig('{"worktree": {"setup": "npm ci"}}', 'c.json');
    assert.deepEqual(config.worktree, { setup: 'npm ci', setupTimeoutSec: 600 });
    assert.deepEqual(defaultConfig.worktree, { setupTimeoutSec: 600 });
    assert.throws(
      () => parseConfig('{\n  "worktree": {\n    "setpu": "npm ci"\n  }\n}', 'c.json'),
      (error: unknown) => error instanceof InputErrors && error.errors[0]?.format() === 'c.json:3: unknown key "setpu"',
    );
    assert.throws(
      () => parseConfig('{\n  "worktree": {"setup": ""}\n}', 'c.json'),
      (error: unknown) => error instanceof InputErrors && /^c\.json:2: worktree\.setup: /.test(error.errors[0]?.format() ?? ''),
    );
  });
});
