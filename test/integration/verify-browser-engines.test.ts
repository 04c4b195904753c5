import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserSession, checkBrowser } from '../../src/orchestrator/engine/verify-browser';
import { firefoxLauncher } from '../../src/orchestrator/verify/firefox-page';
import { webkitLauncher } from '../../src/orchestrator/verify/webkit-page';
import { useTempDir } from '../support/temp-dir';

// The flows in the three engines are in verify-browser-engines-run.test.ts (one real run).
describe('a browser engine missing from the machine', () => {
  const tmp = useTempDir();

  it('is reported as unavailable, naming what to install, never as a pass', async () => {
    const cwd = join(tmp.path, 'worktree');
    mkdirSync(join(cwd, 'site'), { recursive: true });
    writeFileSync(join(cwd, 'site', 'index.html'), '<h1>Page</h1>');
    const [firefox, webkit] = await checkBrowser(
      { kind: 'browser', url: 'site/index.html', browsers: ['firefox', 'webkit'], steps: [{ click: '#go' }] },
      {
        cwd,
        session: browserSession('/usr/bin/chromium', cwd),
        launchers: { firefox: firefoxLauncher('/opt/no-such/firefox', cwd), webkit: webkitLauncher('/opt/no-such/WebKitWebDriver') },
        evidenceBase: join(tmp.path, 'missing'),
      },
    );
    assert.deepEqual(
      [firefox?.check, firefox?.passed, firefox?.unavailable, firefox?.browser?.unavailable, webkit?.check, webkit?.passed, webkit?.unavailable],
      ['browser site/index.html in firefox', false, true, true, 'browser site/index.html in webkit', false, true],
    );
    assert.match(firefox!.detail, /^Firefox not found at \/opt\/no-such\/firefox: install it \(Debian: apt-get install firefox-esr\) or set ORCH_FIREFOX_PATH$/);
    assert.match(webkit!.detail, /^WebKit needs \/opt\/no-such\/WebKitWebDriver: install it \(Debian: apt-get install webkit2gtk-driver\) or set ORCH_WEBKIT_DRIVER$/);
  });
});
