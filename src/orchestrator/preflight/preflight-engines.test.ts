import { strict as assert } from 'node:assert';
import { preflight, type PreflightInput } from './preflight';
import type { PreflightPorts } from './preflight-ports';

describe('preflight: the browser engines the checks name (in-memory ports)', () => {
  // Only the browsers are under test: no provider, no git, no setup.
  const machine = (executables: readonly string[]): PreflightPorts => ({
    run: () => Promise.resolve({ code: 0, stdout: '', stderr: '', timedOut: false }),
    isExecutableFile: (path) => Promise.resolve(executables.includes(path)),
    isFile: () => Promise.resolve(false),
    readText: () => Promise.resolve(undefined),
  });
  const input = (env: Record<string, string> = {}): PreflightInput => ({
    workspace: '/ws',
    env,
    needs: {
      providers: new Map(),
      browserTasks: ['P/T1'],
      otherEngineTasks: new Map([
        ['firefox', ['P/T2']],
        ['webkit', ['P/T2', 'P/T3']],
      ]),
    },
    claudePath: 'claude',
    claudePathFrom: 'test',
    chromiumPath: '/usr/bin/chromium',
    git: false,
  });

  it('passes when every named engine is installed', async () => {
    assert.deepEqual(await preflight(input(), machine(['/usr/bin/chromium', '/usr/bin/firefox-esr', '/usr/bin/WebKitWebDriver', '/usr/bin/xvfb-run'])), []);
  });

  it('names each missing engine, the tasks that need it and the package to install', async () => {
    assert.deepEqual(await preflight(input({ ORCH_FIREFOX_PATH: '/opt/ff' }), machine(['/usr/bin/chromium', '/usr/bin/WebKitWebDriver'])), [
      'Firefox not found at /opt/ff, and the browser checks of P/T2 need it: install it (Debian: apt-get install firefox-esr) or set ORCH_FIREFOX_PATH',
      'xvfb-run (a display for WebKit) not found at /usr/bin/xvfb-run, and the browser checks of P/T2, P/T3 need it: install it (Debian: apt-get install xvfb)',
    ]);
  });
});
