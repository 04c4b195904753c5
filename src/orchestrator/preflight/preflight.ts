import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { Env, PreflightPorts, ProcessOutcome } from './preflight-ports';
import { gitVersionProblem } from './git-version';
import type { PlanNeeds } from './plan-needs';
import { resolveFirefoxPath } from '../verify/firefox-page';
import { resolveWebKitDriver, XVFB_RUN } from '../verify/webkit-page';

export interface PreflightInput {
  readonly workspace: string;
  /** The environment the run and its agents get. */
  readonly env: Env;
  readonly needs: PlanNeeds;
  readonly claudePath: string;
  /** Where that path came from, as the user would set it (`--claude-path`, ...). */
  readonly claudePathFrom: string;
  /** Resolved as the browser checks resolve it (ORCH_CHROMIUM_PATH, config, default). */
  readonly chromiumPath: string;
  /** False: the user chose to run without git (`--no-git`). */
  readonly git: boolean;
  /** The command run in each new worktree (`sh -c`), when the config has one. */
  readonly setupCommand?: string;
  readonly platform?: NodeJS.Platform;
}

const VERSION_TIMEOUT_MS = 10_000;
const LOOKUP_TIMEOUT_MS = 10_000;
const NAMED = 3;

/**
 * Everything a run needs from the machine, checked before it spends anything or writes a file:
 * one line per problem, each naming what is wrong and how to fix it. Empty when all is well.
 */
export async function preflight(input: PreflightInput, ports: PreflightPorts): Promise<string[]> {
  const claude = input.needs.providers.get('claude');
  const openai = input.needs.providers.get('openai');
  const found = await Promise.all([
    claude === undefined ? [] : checkClaudeBinary(input, ports),
    claude === undefined ? [] : checkClaudeCredentials(input, claude, ports),
    Promise.resolve(openai === undefined || nonEmpty(input.env.OPENAI_API_KEY) ? [] : [`OPENAI_API_KEY is not set, and the OpenAI agents of ${who(openai)} need it: set it in the environment (in VS Code: Orch: Set API Key)`]),
    input.git ? checkGit(input, ports) : [],
    checkBrowser(input, ports),
    input.setupCommand === undefined ? [] : checkSetup(input.setupCommand, input, ports),
  ]);
  return found.flat();
}

/**
 * `claude --version` costs most of a second of every start; a binary that answered it once is
 * taken as working until the file behind its path changes (an update, a reinstall, a new link).
 * The cache is the user's, as the binary is: every workspace starts fast.
 */
function versionCacheFile(input: PreflightInput): string {
  const cacheHome = nonEmpty(input.env.XDG_CACHE_HOME) ? input.env.XDG_CACHE_HOME! : nonEmpty(input.env.HOME) ? join(input.env.HOME!, '.cache') : join(input.workspace, '.orch', 'cache');
  return join(cacheHome, 'orch', 'claude-version.json');
}

const CACHED_BINARIES = 8;

function cachedStamps(text: string | undefined): string[] {
  try {
    const value: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

async function checkClaudeBinary(input: PreflightInput, ports: PreflightPorts): Promise<string[]> {
  const stamp = isAbsolute(input.claudePath) ? await ports.fileStamp?.(input.claudePath) : undefined;
  const cached = stamp === undefined ? [] : cachedStamps(await ports.readText(versionCacheFile(input)));
  if (stamp !== undefined && cached.includes(stamp)) return [];
  const result = await ports.run(input.claudePath, ['--version'], { cwd: input.workspace, env: input.env, timeoutMs: VERSION_TIMEOUT_MS });
  if (result.code === 0) {
    if (stamp !== undefined) await ports.writeText?.(versionCacheFile(input), JSON.stringify([stamp, ...cached].slice(0, CACHED_BINARIES)));
    return [];
  }
  return [
    `the claude CLI at ${input.claudePath} (${input.claudePathFrom}) ${failure(result, '--version', VERSION_TIMEOUT_MS)}: install Claude Code (npm install -g @anthropic-ai/claude-code) or give its path with --claude-path, ORCH_CLAUDE_PATH or "claudePath" in .orch/config.json`,
  ];
}

async function checkClaudeCredentials(input: PreflightInput, users: readonly string[], ports: PreflightPorts): Promise<string[]> {
  const { env } = input;
  if (['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'].some((name) => nonEmpty(env[name]))) return [];
  if (['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX'].some((name) => truthy(env[name]))) return [];
  const configDir = nonEmpty(env.CLAUDE_CONFIG_DIR) ? env.CLAUDE_CONFIG_DIR! : join(env.HOME ?? '', '.claude');
  const credentials = join(configDir, '.credentials.json');
  if (await ports.isFile(credentials)) return [];
  // A key helper script in the CLI's settings hands out keys on demand.
  const settings = await ports.readText(join(configDir, 'settings.json'));
  if (settings !== undefined && /"apiKeyHelper"\s*:\s*"[^"]/.test(settings)) return [];
  // On macOS a login is kept in the Keychain, not in the file.
  if ((input.platform ?? process.platform) === 'darwin') {
    const keychain = await ports.run('security', ['find-generic-password', '-s', 'Claude Code-credentials'], { cwd: input.workspace, env, timeoutMs: LOOKUP_TIMEOUT_MS });
    if (keychain.code === 0) return [];
  }
  return [
    `no Claude credentials for ${who(users)}: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN), or log in once with \`${input.claudePath}\` (/login) so that ${credentials} exists`,
  ];
}

async function checkGit(input: PreflightInput, ports: PreflightPorts): Promise<string[]> {
  const options = { cwd: input.workspace, env: { ...input.env, GIT_TERMINAL_PROMPT: '0' }, timeoutMs: LOOKUP_TIMEOUT_MS };
  const noGit = 'or pass --no-git to run the tasks one at a time in the folder itself';
  const [top, version] = await Promise.all([ports.run('git', ['rev-parse', '--show-toplevel'], options), ports.run('git', ['--version'], options)]);
  if (top.startError === 'ENOENT') return [`git is not installed (not found on PATH): install git, ${noGit}`];
  const tooOld = version.code === 0 ? gitVersionProblem(version.stdout, noGit) : undefined;
  if (tooOld !== undefined) return [tooOld];
  if (top.code !== 0) return [`${input.workspace} is not a git repository: run \`git init && git add -A && git commit -m init\` there, ${noGit}`];
  const ident = await ports.run('git', ['var', 'GIT_COMMITTER_IDENT'], options);
  if (ident.code === 0) return [];
  const reason = lastLine(ident.stderr);
  return [
    `git has no identity to commit with in ${input.workspace}${reason === '' ? '' : ` (${reason})`}: run \`git config --global user.name "Your Name"\` and \`git config --global user.email you@example.com\` (without --global for this repository only)`,
  ];
}

async function checkBrowser(input: PreflightInput, ports: PreflightPorts): Promise<string[]> {
  const tasks = input.needs.browserTasks;
  const problems = await otherEngines(input, ports);
  if (tasks.length === 0 || (await ports.isExecutableFile(input.chromiumPath))) return problems;
  return [
    `Chromium not found at ${input.chromiumPath}, and the browser checks of ${who(tasks)} need it: install it (Debian: apt-get install chromium) or set ORCH_CHROMIUM_PATH or "chromiumPath" in .orch/config.json`,
    ...problems,
  ];
}

async function otherEngines(input: PreflightInput, ports: PreflightPorts): Promise<string[]> {
  const problems: string[] = [];
  const needs = [
    ['firefox', resolveFirefoxPath(input.env), 'Firefox', 'firefox-esr', 'ORCH_FIREFOX_PATH'],
    ['webkit', resolveWebKitDriver(input.env), "WebKit's WebDriver", 'webkit2gtk-driver', 'ORCH_WEBKIT_DRIVER'],
    ['webkit', XVFB_RUN, 'xvfb-run (a display for WebKit)', 'xvfb', undefined],
  ] as const;
  for (const [engine, path, what, pkg, variable] of needs) {
    const tasks = input.needs.otherEngineTasks?.get(engine) ?? [];
    if (tasks.length === 0 || (await ports.isExecutableFile(path))) continue;
    problems.push(`${what} not found at ${path}, and the browser checks of ${who(tasks)} need it: install it (Debian: apt-get install ${pkg})${variable === undefined ? '' : ` or set ${variable}`}`);
  }
  return problems;
}

// Words `sh -c` runs without looking anything up on PATH.
const SHELL_WORDS = new Set(['.', ':', '[', 'alias', 'break', 'case', 'cd', 'command', 'continue', 'echo', 'eval', 'exec', 'exit', 'export', 'false', 'for', 'if', 'printf', 'pwd', 'read', 'readonly', 'set', 'shift', 'test', 'times', 'trap', 'true', 'type', 'ulimit', 'umask', 'unset', 'until', 'wait', 'while', '{', '(', '!']);

async function checkSetup(command: string, input: PreflightInput, ports: PreflightPorts): Promise<string[]> {
  const word = firstProgram(command);
  if (word === undefined || SHELL_WORDS.has(word)) return [];
  if (word.includes('/')) {
    const path = isAbsolute(word) ? word : resolve(input.workspace, word);
    if (await ports.isExecutableFile(path)) return [];
    return [`the worktree setup command \`${command}\` runs ${word}, which is not an executable file (looked at ${path}): fix the path or make it executable (chmod +x), or change worktree.setup in .orch/config.json`];
  }
  for (const dir of (input.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && (await ports.isExecutableFile(join(dir, word)))) return [];
  }
  return [`the worktree setup command \`${command}\` runs ${word}, which is not on PATH: install it, or change worktree.setup in .orch/config.json`];
}

/** The program a shell command starts with, after any leading `NAME=value` assignments. */
export function firstProgram(command: string): string | undefined {
  const words = command.trim().split(/\s+/).filter((w) => w !== '');
  const word = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  return word?.replace(/^(['"])(.*)\1$/, '$2').replace(/[;&|]+$/, '');
}

function failure(result: ProcessOutcome, what: string, timeoutMs: number): string {
  if (result.startError === 'ENOENT') return 'was not found';
  if (result.startError === 'EACCES') return 'is not executable';
  if (result.startError !== undefined) return `could not start (${result.startError})`;
  if (result.timedOut) return `did not answer ${what} within ${timeoutMs / 1000} s`;
  // A crash's first line says what went wrong; a stack trace follows it.
  const said = firstLine(result.stderr) || firstLine(result.stdout);
  return `failed ${what} (exit ${result.code ?? 'by a signal'}${said === '' ? '' : `: ${said}`})`;
}

/** `PRD-1/T1, PRD-1/T2 and 3 more task(s)`: enough to find them, short enough for one line. */
function who(users: readonly string[]): string {
  const named = users.slice(0, NAMED).join(', ');
  return users.length > NAMED ? `${named} and ${users.length - NAMED} more` : named;
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no'].includes(value.trim().toLowerCase());
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').at(-1)?.trim() ?? '';
}
