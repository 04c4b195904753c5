// WebKit (Safari's engine: Debian's WebKitGTK) through its W3C WebDriver, spoken over plain HTTP.
// MiniBrowser needs a display, so each page gets a driver under its own Xvfb (xvfb-run); the whole
// process group carries a marker, so the driver, Xvfb and the browser's children all stop with it.
import { randomUUID } from 'node:crypto';
import { access, constants, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Viewport } from '../../protocol/browser-check';
import { spawnGroup, terminate } from '../runner/process-group';
import { EngineUnavailableError, firstLine, type EngineLauncher, type EnginePage } from './engine-page';

export const DEFAULT_WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const XVFB_RUN = '/usr/bin/xvfb-run';
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;
const POLL_MS = 100;

// WebDriver's code points for the keys a step may name.
const KEYS: Readonly<Record<string, string>> = {
  Enter: '\uE007', Tab: '\uE004', Escape: '\uE00C', Backspace: '\uE003', Delete: '\uE017', Space: ' ',
  ArrowUp: '\uE013', ArrowDown: '\uE015', ArrowLeft: '\uE012', ArrowRight: '\uE014', Home: '\uE011', End: '\uE010', PageUp: '\uE00E', PageDown: '\uE00F',
};

// WebDriver classic has no console events: the page's errors are caught by a hook put in after each
// load, so errors thrown while the page first loads are not seen.
const ERROR_HOOK = `if (!window.__orchErrors) { window.__orchErrors = [];
  const push = (m) => window.__orchErrors.push(String(m));
  const original = console.error.bind(console);
  console.error = (...a) => { push(a.map(String).join(' ')); original(...a); };
  window.addEventListener('error', (e) => push('uncaught ' + (e.error && e.error.name ? e.error.name + ': ' : '') + e.message));
  window.addEventListener('unhandledrejection', (e) => push('unhandled rejection: ' + String(e.reason)));
}`;
const LIMITS = ['console errors are caught from the end of each page load on (WebDriver classic reports none itself)'];

/** ORCH_WEBKIT_DRIVER, else Debian's WebKitWebDriver (package webkit2gtk-driver). */
export function resolveWebKitDriver(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.ORCH_WEBKIT_DRIVER;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_WEBKIT_DRIVER;
}

export function webkitLauncher(driverPath: string, env: Readonly<Record<string, string>> = {}): EngineLauncher {
  const open = new Set<EnginePage>();
  return {
    async open(viewport: Viewport, signal?: AbortSignal): Promise<EnginePage> {
      const page = await startPage(driverPath, viewport, env, signal);
      open.add(page);
      const close = page.close.bind(page);
      return { ...page, close: () => (open.delete(page), close()) };
    },
    async close() {
      await Promise.all([...open].map((page) => page.close()));
      open.clear();
    },
  };
}

async function startPage(driverPath: string, viewport: Viewport, env: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<EnginePage> {
  const miniBrowser = await findMiniBrowser();
  for (const [path, install] of [[driverPath, 'webkit2gtk-driver'], [XVFB_RUN, 'xvfb']] as const) {
    try {
      await access(path, constants.X_OK);
    } catch {
      throw new EngineUnavailableError(`WebKit needs ${path}: install it (Debian: apt-get install ${install})${path === driverPath ? ' or set ORCH_WEBKIT_DRIVER' : ''}`);
    }
  }
  if (miniBrowser === undefined) throw new EngineUnavailableError('WebKit needs MiniBrowser: install it (Debian: apt-get install webkit2gtk-driver)');
  const port = await freePort();
  const id = randomUUID();
  const marker = `ORCH_BROWSER_ID=${id}`;
  // A display of its own per page, numbered at random so parallel checks do not race for one.
  const display = String(100 + Math.floor(Math.random() * 30_000));
  const child = spawnGroup(XVFB_RUN, ['-a', '-n', display, '-s', `-screen 0 ${Math.max(viewport.width, 1280)}x${Math.max(viewport.height, 1024)}x24`, driverPath, `--port=${port}`], marker, {
    env: { ...process.env, ...env, ORCH_BROWSER_ID: id },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (output.length < 8192) output += chunk.toString('utf8');
  });
  let exited: string | undefined;
  child.on('exit', (code, sig) => {
    exited = `exit ${code ?? sig}`;
  });
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined) await terminate(child.pid, marker, STOP_GRACE_MS);
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForDriver(base, () => exited, signal);
    const session = (await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] } } },
    })) as { sessionId: string };
    return await webkitPage(`${base}/session/${session.sessionId}`, viewport, stop);
  } catch (error) {
    await stop();
    if (error instanceof Error && error.message === 'cancelled') throw error;
    const tail = output.trim().split('\n').slice(-3).join(' | ');
    throw new EngineUnavailableError(`WebKit did not start: ${firstLine(error)}${tail === '' ? '' : ` (${tail})`}`, { cause: error });
  }
}

/** Where Debian puts MiniBrowser depends on the architecture and the WebKitGTK API version. */
async function findMiniBrowser(): Promise<string | undefined> {
  const fromEnv = process.env.ORCH_WEBKIT_BROWSER;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  let arches: string[];
  try {
    arches = await readdir('/usr/lib');
  } catch {
    return undefined;
  }
  for (const arch of arches.filter((a) => a.endsWith('-linux-gnu'))) {
    for (const api of ['webkit2gtk-4.1', 'webkitgtk-6.0', 'webkit2gtk-4.0']) {
      const path = `/usr/lib/${arch}/${api}/MiniBrowser`;
      try {
        await access(path, constants.X_OK);
        return path;
      } catch {
        // not this one
      }
    }
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForDriver(base: string, exited: () => string | undefined, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (signal?.aborted === true) throw new Error('cancelled');
    const gone = exited();
    if (gone !== undefined) throw new Error(`the driver ended (${gone})`);
    try {
      await call(base, 'GET', '/status');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the driver did not answer within ${START_TIMEOUT_MS / 1000} s: ${firstLine(error)}`, { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

class WebDriverError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

async function call(base: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(120_000),
  });
  const reply = (await response.json()) as { value?: unknown };
  const value = reply.value as { error?: string; message?: string } | null | undefined;
  if (typeof value === 'object' && value !== null && typeof value.error === 'string') throw new WebDriverError(value.error, String(value.message ?? '').split('\n')[0] ?? '');
  return reply.value;
}

async function webkitPage(session: string, viewport: Viewport, stop: () => Promise<void>): Promise<EnginePage> {
  const send = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> => call(session, method, path, body);
  const run = (script: string): Promise<unknown> => send('POST', '/execute/sync', { script, args: [] });
  const errors: string[] = [];
  const harvest = async (): Promise<void> => {
    const found = await run('const e = window.__orchErrors || []; window.__orchErrors = []; return e;').catch(() => []);
    if (Array.isArray(found)) errors.push(...found.map(String));
  };
  const hook = (): Promise<unknown> => run(ERROR_HOOK).catch(() => undefined);
  // The window's frame takes room from the page: size the window so the page gets the viewport.
  await send('POST', '/window/rect', { width: viewport.width, height: viewport.height });
  const inner = (await run('return [innerWidth, innerHeight]')) as [number, number];
  await send('POST', '/window/rect', { width: 2 * viewport.width - inner[0], height: 2 * viewport.height - inner[1] });
  const find = async (selector: string, timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const element = (await send('POST', '/element', { using: 'css selector', value: selector })) as Record<string, string>;
        const ref = Object.values(element)[0];
        if (ref !== undefined) return ref;
      } catch (error) {
        if (!(error instanceof WebDriverError && error.code === 'no such element')) throw error;
      }
      if (Date.now() > deadline) throw new Error(`no element matches ${JSON.stringify(selector)} within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  let closed = false;
  return {
    engine: 'webkit',
    limits: LIMITS,
    async goto(url, timeoutMs) {
      await harvest();
      await send('POST', '/timeouts', { pageLoad: timeoutMs });
      await send('POST', '/url', { url });
      await hook();
      if (!/^https?:/i.test(url)) return undefined;
      // WebKit does not give the navigation's status to scripts: ask the server for it once more.
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).catch(() => undefined);
      await response?.body?.cancel();
      return response?.status;
    },
    evaluate: (expression) => run(`return (${expression});`),
    async click(selector, timeoutMs) {
      await send('POST', `/element/${await find(selector, timeoutMs)}/click`, {});
      await hook();
    },
    async fill(selector, value, timeoutMs) {
      const element = await find(selector, timeoutMs);
      await send('POST', `/element/${element}/clear`, {});
      await send('POST', `/element/${element}/value`, { text: value });
    },
    async press(key) {
      const value = KEYS[key] ?? key;
      await send('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] }] });
      await send('DELETE', '/actions');
      await hook();
    },
    async screenshot(path) {
      const png = (await send('GET', '/screenshot')) as string;
      await writeFile(path, Buffer.from(png, 'base64'));
    },
    async consoleErrors() {
      if (!closed) await harvest();
      return [...errors];
    },
    async close() {
      if (closed) return;
      closed = true;
      await send('DELETE', '').catch(() => undefined);
      await stop();
    },
  };
}
