import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { browserSession, checkBrowser, DEFAULT_CHROMIUM_PATH, type BrowserSession } from '../../src/orchestrator/engine/verify-browser';
import { verifyChecks, type VerifyContext } from '../../src/orchestrator/engine/verify-task';
import { findMarkedProcesses } from '../../src/orchestrator/runner/process-group';
import type { VerifyCheck } from '../../src/protocol/domain';
import { useTempDir } from '../support/temp-dir';

const PAGES: Record<string, string> = {
  '/': '<!doctype html><title>Orch</title><h1>Dashboard</h1><p>3 tasks verified</p><script>console.error("chart data missing")</script>',
  '/home': '<!doctype html><h1>Welcome home</h1><p>Nothing to see here yet.</p><p style="display:none">Dashboard</p>',
  '/favicon.ico': '',
  '/late': '<!doctype html><div id="app">Loading</div><script>setTimeout(() => { document.getElementById("app").textContent = "Dashboard ready" }, 300)</script>',
};

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function freePort(): Promise<number> {
  const probe = createServer();
  return listen(probe).then((url) => new Promise((resolve) => probe.close(() => resolve(Number(new URL(url).port)))));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie waits for a parent to collect it: it is dead already.
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return false;
  }
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

describe('browser verification checks in real Chromium', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  let server: Server;
  let base: string;
  let onRequest: ((url: string) => void) | undefined;

  before(async function () {
    if (!existsSync(DEFAULT_CHROMIUM_PATH)) {
      console.log(`    skipped: ${DEFAULT_CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
      this.skip();
    }
    server = createServer((req, res) => {
      onRequest?.(req.url ?? '');
      const page = PAGES[req.url ?? ''];
      res.writeHead(page === undefined ? 404 : 200, { 'content-type': 'text/html' });
      res.end(page ?? '<h1>Not found</h1>');
    });
    base = await listen(server);
  });
  after(() => new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve()))));

  function context(overrides: Partial<VerifyContext> = {}): VerifyContext {
    const cwd = join(tmp.path, 'worktree');
    mkdirSync(cwd, { recursive: true });
    return { cwd, evidenceDir: join(tmp.path, 'evidence'), evidencePrefix: 'PRD-1-T1-1', defaultCommandTimeoutSec: 30, ...overrides };
  }

  it('passes a page that shows the text, with its status, console errors and a non-empty screenshot as evidence', async () => {
    const [result] = await verifyChecks([{ kind: 'browser', url: `${base}/`, expect: 'Dashboard', screenshot: true }], context());
    assert.ok(result?.passed, result?.detail);
    assert.match(result.detail, /HTTP 200/);
    assert.match(result.detail, /shows "Dashboard"/);
    assert.match(result.detail, /1 console error\(s\): chart data missing/);
    const png = join(tmp.path, 'evidence', 'PRD-1-T1-1-check1.png');
    assert.equal(result.evidencePath, png);
    const bytes = readFileSync(png);
    assert.ok(bytes.length > 1000, `screenshot of ${bytes.length} bytes`);
    assert.deepEqual([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
    const log = readFileSync(join(tmp.path, 'evidence', 'PRD-1-T1-1-check1.log'), 'utf8');
    assert.match(log, /^status: 200$/m);
    assert.match(log, /chart data missing/);
    assert.match(log, /Dashboard 3 tasks verified/);
  });

  it('waits for text a script renders after the page loaded', async () => {
    const [result] = await verifyChecks([{ kind: 'browser', url: `${base}/late`, expect: 'Dashboard ready', timeoutSec: 10 }], context());
    assert.ok(result?.passed, result?.detail);
  });

  it('fails a page without the text (hidden text does not count), saying what it expected and what the page showed', async () => {
    const [result] = await verifyChecks([{ kind: 'browser', url: `${base}/home`, expect: 'Dashboard', timeoutSec: 2, screenshot: true }], context());
    assert.equal(result?.passed, false);
    assert.match(result.detail, /expected the page to show "Dashboard" within 2 s/);
    assert.match(result.detail, /the page shows: "Welcome home Nothing to see here yet\."/);
    assert.ok(readFileSync(result.evidencePath ?? '').length > 1000, 'a failed page is photographed too');
  });

  it('fails a 404 with its status, and an address nobody answers', async () => {
    const port = await freePort();
    const results = await verifyChecks(
      [
        { kind: 'browser', url: `${base}/missing`, expect: 'Not found' },
        { kind: 'browser', url: `http://127.0.0.1:${port}/`, timeoutSec: 5 },
      ],
      context(),
    );
    assert.equal(results[0]?.passed, false);
    assert.match(results[0].detail, /^HTTP 404 Not Found, expected a 2xx or 3xx status; the page shows: "Not found"/);
    assert.equal(results[1]?.passed, false);
    assert.match(results[1].detail, /did not load: .*ERR_CONNECTION_REFUSED/);
  });

  it('opens a path in the worktree as a file and refuses one that leads out of it', async () => {
    const ctx = context();
    mkdirSync(join(ctx.cwd, 'dist'));
    writeFileSync(join(ctx.cwd, 'dist', 'index.html'), '<!doctype html><h1>Static build</h1><p>Dashboard offline</p>');
    writeFileSync(join(tmp.path, 'secret.html'), '<h1>Dashboard</h1>');
    symlinkSync(join(tmp.path, 'secret.html'), join(ctx.cwd, 'dist', 'link.html'));
    const results = await verifyChecks(
      [
        { kind: 'browser', url: 'dist/index.html', expect: 'Dashboard offline', screenshot: true },
        { kind: 'browser', url: 'dist/link.html', expect: 'Dashboard' },
        { kind: 'browser', url: 'dist/none.html' },
        { kind: 'browser', url: '../secret.html' },
      ],
      ctx,
    );
    assert.ok(results[0]?.passed, results[0]?.detail);
    assert.ok(readFileSync(results[0].evidencePath ?? '').length > 1000);
    assert.doesNotMatch(results[0].detail, /HTTP/, 'a file has no HTTP status');
    const log = readFileSync(join(tmp.path, 'evidence', 'PRD-1-T1-1-check1.log'), 'utf8');
    assert.match(log, /opened file:\/\/.*\/dist\/index\.html/);
    assert.match(log, /^status: none \(not HTTP\)$/m);
    assert.deepEqual(
      results.slice(1).map((r) => [r.passed, r.detail]),
      [
        [false, '"dist/link.html" is outside the task\'s worktree'],
        [false, "dist/none.html does not exist in the task's worktree"],
        [false, '"../secret.html" is outside the task\'s worktree'],
      ],
    );
  });

  it('gives up waiting when the run is cancelled', async () => {
    const cancel = new AbortController();
    // Cancelled once the page is being served, so the check is waiting for the text by then.
    onRequest = (url) => {
      if (url === '/home') cancel.abort();
    };
    const [result] = await verifyChecks([{ kind: 'browser', url: `${base}/home`, expect: 'never shown', timeoutSec: 50 }], context({ signal: cancel.signal }));
    onRequest = undefined;
    assert.equal(result?.passed, false);
    assert.match(result.detail, /^cancelled/);
  });

  it('gives up at once when the run is cancelled while the browser context is being made, without opening the page', async () => {
    const cancel = new AbortController();
    const real = browserSession(DEFAULT_CHROMIUM_PATH, tmp.path);
    // The real browser; only the moment of the cancel is arranged: while newContext() runs.
    const session: BrowserSession = {
      browser: async () => {
        const browser = await real.browser();
        return new Proxy(browser, {
          get(target, key) {
            const value: unknown = Reflect.get(target, key);
            if (key !== 'newContext' || typeof value !== 'function') return typeof value === 'function' ? (value.bind(target) as unknown) : value;
            return (...args: unknown[]) => {
              const made: unknown = value.apply(target, args);
              cancel.abort();
              return made;
            };
          },
        });
      },
      close: () => real.close(),
    };
    const requests: string[] = [];
    onRequest = (url) => requests.push(url);
    const started = Date.now();
    try {
      const [result] = await checkBrowser(
        { kind: 'browser', url: `${base}/home`, expect: 'never shown', timeoutSec: 20 },
        { cwd: tmp.path, session, evidenceBase: join(tmp.path, 'cancelled'), signal: cancel.signal },
      );
      assert.equal(result?.passed, false);
      assert.equal(result.detail, 'cancelled');
      assert.deepEqual(requests, [], 'the page was opened after the cancel');
      assert.ok(Date.now() - started < 20_000, 'the check ran on to its own timeout');
    } finally {
      onRequest = undefined;
      await session.close();
    }
  });

  it('fails every browser check with a reason naming a missing Chromium, and still runs the other checks', async () => {
    const checks: VerifyCheck[] = [
      { kind: 'browser', url: `${base}/`, expect: 'Dashboard' },
      { kind: 'command', command: 'echo still here' },
      { kind: 'browser', url: `${base}/home` },
    ];
    const results = await verifyChecks(checks, context({ chromiumPath: '/opt/no-such/chromium' }));
    assert.deepEqual(
      results.map((r) => r.passed),
      [false, true, false],
    );
    for (const r of [results[0]!, results[2]!]) assert.match(r.detail, /^Chromium not found at \/opt\/no-such\/chromium: install it .* ORCH_CHROMIUM_PATH/);
  });

  it('reuses one Chromium across a session, marks it with the run, and closes it', async () => {
    const marker = `ORCH_RUN_ID=verify-browser-${process.pid}`;
    const session = browserSession(DEFAULT_CHROMIUM_PATH, tmp.path, { ORCH_RUN_ID: `verify-browser-${process.pid}` });
    const first = await session.browser();
    assert.equal(await session.browser(), first);
    assert.ok(findMarkedProcesses(marker).length > 0, 'a resume after a crash can find the browser by the run marker');
    await session.close();
    assert.equal(first.isConnected(), false);
    assert.deepEqual(findMarkedProcesses(marker).filter(alive), []);
  });

  it('fails the check, without throwing, when its Chromium has died', async () => {
    const session = browserSession(DEFAULT_CHROMIUM_PATH, tmp.path);
    const dead = await session.browser();
    await dead.close();
    const [result] = await checkBrowser({ kind: 'browser', url: `${base}/` }, { cwd: tmp.path, session, evidenceBase: join(tmp.path, 'dead') });
    assert.equal(result?.passed, false);
    assert.match(result.detail, /^the browser failed: .*closed/);
  });

  it('starts the serve command, checks its page, then stops it and what it started', async () => {
    const ctx = context();
    const port = await freePort();
    writeFileSync(
      join(ctx.cwd, 'serve.js'),
      `require('node:http').createServer((q, s) => s.end('<h1>Served by the agent</h1>')).listen(${port}, '127.0.0.1');`,
    );
    // The detached sleep leaves the process group, as watchers and npm scripts' children do.
    const serve = 'setsid sleep 300 & echo $! > sleep.pid; sleep 0.5; exec node serve.js';
    const [result] = await verifyChecks([{ kind: 'browser', url: `http://127.0.0.1:${port}/`, expect: 'Served by the agent', serve }], ctx);
    assert.ok(result?.passed, result?.detail);
    const sleeper = Number(readFileSync(join(ctx.cwd, 'sleep.pid'), 'utf8'));
    assert.equal(alive(sleeper), false, 'the detached child is stopped');
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the server is stopped');
    assert.match(readFileSync(join(tmp.path, 'evidence', 'PRD-1-T1-1-check1-serve.log'), 'utf8'), /^\$ setsid sleep 300/);
  });

  it('serves one task at a time on a port, and never checks a page it did not serve', async () => {
    const port = await freePort();
    const serving = (text: string) => `node -e "require('node:http').createServer((q, s) => s.end('<h1>${text}</h1>')).listen(${port}, '127.0.0.1')"`;
    const url = `http://127.0.0.1:${port}/`;
    const [a, b] = await Promise.all([
      verifyChecks([{ kind: 'browser', url, expect: 'Page of A', serve: serving('Page of A') }], context({ evidencePrefix: 'A' })),
      verifyChecks([{ kind: 'browser', url, expect: 'Page of B', serve: serving('Page of B') }], context({ evidencePrefix: 'B' })),
    ]);
    assert.ok(a[0]?.passed, a[0]?.detail);
    assert.ok(b[0]?.passed, b[0]?.detail);
    const [taken] = await verifyChecks([{ kind: 'browser', url: `${base}/`, expect: 'Dashboard', serve: 'sleep 30' }], context());
    assert.equal(taken?.passed, false);
    assert.match(taken.detail, /already answers before the command started; another server holds its port/);
    assert.equal(taken.unavailable, true, 'a held port is the machine\'s fault, not the work\'s');
  });

  it('fails when the serve command ends before its url answers, with its output', async () => {
    const port = await freePort();
    const [result] = await verifyChecks([{ kind: 'browser', url: `http://127.0.0.1:${port}/`, serve: 'echo "vite: command not found" >&2; exit 127', timeoutSec: 10 }], context());
    assert.equal(result?.passed, false);
    assert.match(result.detail, /serve `echo .*`: the command ended \(exit 127\) before http:\/\/127\.0\.0\.1:\d+\/ answered\nvite: command not found/);
    assert.equal(result.unavailable, undefined, 'a server that does not start is the work\'s to fix');
    assert.equal(result.evidencePath, join(tmp.path, 'evidence', 'PRD-1-T1-1-check1-serve.log'));
  });
});
