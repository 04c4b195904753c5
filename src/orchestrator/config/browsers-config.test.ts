import { strict as assert } from 'node:assert';
import { InputErrors } from '../errors';
import { defaultConfig, parseConfig } from './orch-config';

describe('the config default for the engines of a browser check', () => {
  it('is Chromium alone, and takes any of the three engines', () => {
    assert.deepEqual(defaultConfig.browsers, ['chromium']);
    assert.deepEqual(parseConfig('{"browsers": ["webkit", "firefox"]}', '.orch/config.json').browsers, ['webkit', 'firefox']);
  });

  it('names an unknown engine or an empty list at its line', () => {
    for (const text of ['{\n  "parallel": 2,\n  "browsers": ["chromium", "safari"]\n}', '{\n  "parallel": 2,\n  "browsers": []\n}']) {
      assert.throws(
        () => parseConfig(text, '.orch/config.json'),
        (error: unknown) => {
          assert.ok(error instanceof InputErrors);
          const [first] = error.errors;
          assert.equal(first?.file, '.orch/config.json');
          assert.equal(first.line, 3);
          assert.match(first.message, /^browsers/);
          return true;
        },
      );
    }
  });
});
