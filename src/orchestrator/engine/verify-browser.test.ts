import { strict as assert } from 'node:assert';
import { DEFAULT_CHROMIUM_PATH, resolveChromiumPath } from './verify-browser';

describe('the Chromium a browser check drives', () => {
  it('is ORCH_CHROMIUM_PATH, else the config, else Debian\'s', () => {
    assert.equal(resolveChromiumPath('/opt/cfg/chrome', { ORCH_CHROMIUM_PATH: '/opt/env/chrome' }), '/opt/env/chrome');
    assert.equal(resolveChromiumPath('/opt/cfg/chrome', { ORCH_CHROMIUM_PATH: '' }), '/opt/cfg/chrome');
    assert.equal(resolveChromiumPath(undefined, {}), DEFAULT_CHROMIUM_PATH);
    assert.equal(DEFAULT_CHROMIUM_PATH, '/usr/bin/chromium');
  });
});
