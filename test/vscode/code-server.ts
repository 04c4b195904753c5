import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

// A real VS Code (code-server from npm, under the Node 24 that scripts/setup-code-server.sh
// installs) with a fresh profile, driven by Playwright in Debian's Chromium. Everything lives in
// one temp folder and stops itself on close().

const repoRoot = resolve(__dirname, '..', '..');
const run = promisify(execFile);

export interface CodeServer {
  readonly page: Page;
  readonly runDir: string;
  /** The extension host's log: activation errors of the extension land here. */
  extensionHostLog(): string;
  /** What the extension wrote to its output channel of this name. */
  outputChannel(name: string): string;
  close(): Promise<void>;
}

/**
 * A mocha afterEach that leaves evidence when a test failed: a screenshot of the workbench and
 * the tails of the extension host log and Orch's output channel.
 */
export function dumpOnFailure(current: () => CodeServer | undefined, screenshots: string): void {
  afterEach(async function () {
    const vscode = current();
    if (this.currentTest?.state !== 'failed' || vscode === undefined) return;
    await vscode.page.screenshot({ path: join(screenshots, `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) });
    console.log(vscode.extensionHostLog().split('\n').filter((l) => /error|orch/i.test(l)).slice(-30).join('\n'));
    console.log(`Orch output channel:\n${vscode.outputChannel('Orch').split('\n').slice(-40).join('\n')}`);
  });
}

interface InstalledPaths {
  readonly node: string;
  readonly codeServer: string;
}

function installedPaths(): InstalledPaths {
  const cache = process.env.ORCH_CODE_SERVER_CACHE ?? join(repoRoot, '.cache', 'code-server');
  const file = join(cache, 'paths.json');
  if (!existsSync(file)) throw new Error(`code-server is not installed (${file} missing): run \`npm run setup:vscode\` first`);
  return JSON.parse(readFileSync(file, 'utf8')) as InstalledPaths;
}

const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'git.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'window.restoreWindows': 'none',
};

export interface CodeServerOptions {
  readonly vsix: string;
  readonly workspace: string;
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Added to the environment of code-server, hence of the extension host and what it spawns. */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const { node, codeServer } = installedPaths();
  const runDir = mkdtempSync(join(tmpdir(), 'orch-vscode-'));
  const dirs = { ud: join(runDir, 'ud'), ext: join(runDir, 'ext'), tmp: join(runDir, 'tmp'), xdg: join(runDir, 'xdg'), home: join(runDir, 'home') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  // Keeps code-server, VS Code, Chromium and the agents' claude CLI out of the real HOME and /tmp.
  const env = {
    ...process.env,
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    ...options.env,
  };
  const port = await freePort();
  const config = join(runDir, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  mkdirSync(join(dirs.ud, 'User'), { recursive: true });
  writeFileSync(join(dirs.ud, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, ...options.settings }, null, 2));
  const common = [codeServer, '--config', config, '--user-data-dir', dirs.ud, '--extensions-dir', dirs.ext];
  await run(node, [...common, '--install-extension', options.vsix], { env });

  const server = spawn(node, [...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', options.workspace], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serverOutput = '';
  server.stdout?.on('data', (d: Buffer) => (serverOutput += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (serverOutput += d.toString()));
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await context?.close().catch(() => undefined);
    await stopGroup(server);
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(port, server, () => serverOutput);
    context = await chromium.launchPersistentContext(join(runDir, 'chromium'), {
      executablePath: '/usr/bin/chromium',
      env,
      viewport: { width: 1400, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar-item').first().waitFor({ timeout: 60_000 });
    return {
      page,
      runDir,
      extensionHostLog: () => readLogs(dirs.ud, (file) => file === 'remoteexthost.log' || file === 'exthost.log'),
      outputChannel: (name) => readLogs(dirs.ud, (file) => file.endsWith(`-${name}.log`)),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(port: number, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited ${server.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer /healthz on port ${port} within 60 s:\n${output()}`);
}

/** SIGTERM to the whole process group (the server, its extension host, our extension's children). */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  signal('SIGKILL');
}

function readLogs(userDataDir: string, wanted: (fileName: string) => boolean): string {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSafe(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (wanted(entry.name)) found.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(userDataDir, 'logs'));
  return found.join('\n');
}

function readdirSafe(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
