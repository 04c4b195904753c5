import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstProgram, preflight, type PreflightInput } from './preflight';
import { nodePreflightPorts, type PreflightPorts, type ProcessOutcome } from './preflight-ports';

describe('preflight: the worktree setup command', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-preflight-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'bin', 'pnpm'), '#!/bin/sh\n');
    chmodSync(join(dir, 'bin', 'pnpm'), 0o755);
    writeFileSync(join(dir, 'scripts', 'setup.sh'), '#!/bin/sh\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // Only the setup is under test: no provider, no browser, no git.
  const input = (setupCommand: string): PreflightInput => ({
    workspace: dir,
    env: { PATH: join(dir, 'bin') },
    needs: { providers: new Map(), browserTasks: [] },
    claudePath: 'claude',
    claudePathFrom: 'test',
    chromiumPath: '/nonexistent',
    git: false,
    setupCommand,
  });

  it('finds the first program on PATH, after any NAME=value, and lets shell words through', async () => {
    for (const command of ['pnpm install --frozen-lockfile', 'CI=1 pnpm install', 'cd app && pnpm install', '"pnpm" i']) {
      assert.deepEqual(await preflight(input(command), nodePreflightPorts), [], command);
    }
  });

  it('names a program missing from PATH, and a path that is not an executable file', async () => {
    assert.deepEqual(await preflight(input('npm ci'), nodePreflightPorts), [
      'the worktree setup command `npm ci` runs npm, which is not on PATH: install it, or change worktree.setup in .orch/config.json',
    ]);
    const [problem] = await preflight(input('./scripts/setup.sh --fast'), nodePreflightPorts);
    assert.match(problem ?? '', new RegExp(`runs ./scripts/setup.sh, which is not an executable file \\(looked at ${dir}/scripts/setup.sh\\): .*chmod \\+x`));
  });

  it('reads the program of a command', () => {
    assert.equal(firstProgram('  FOO=1 BAR=2 make setup'), 'make');
    assert.equal(firstProgram('"pnpm" i'), 'pnpm');
    assert.equal(firstProgram('true;'), 'true');
    assert.equal(firstProgram('   '), undefined);
  });
});

describe('preflight: Claude credentials and the claude binary (in-memory ports)', () => {
  // The machine as the ports describe it: which files exist, what each program answers.
  const machine = (facts: { files?: Record<string, string>; run?: Record<string, ProcessOutcome> }): PreflightPorts => ({
    run: (file) => Promise.resolve(facts.run?.[file] ?? { code: 0, stdout: '', stderr: '', timedOut: false }),
    isExecutableFile: (path) => Promise.resolve(facts.files?.[path] !== undefined),
    isFile: (path) => Promise.resolve(facts.files?.[path] !== undefined),
    readText: (path) => Promise.resolve(facts.files?.[path]),
  });
  const input = (env: Record<string, string>, platform: NodeJS.Platform = 'linux'): PreflightInput => ({
    workspace: '/ws',
    env: { HOME: '/home/u', ...env },
    needs: { providers: new Map([['claude', ['PRD-1/T1']]]), browserTasks: [] },
    claudePath: '/opt/claude',
    claudePathFrom: 'from --claude-path',
    chromiumPath: '/usr/bin/chromium',
    git: false,
    platform,
  });
  const credentialProblems = async (env: Record<string, string>, ports: PreflightPorts, platform?: NodeJS.Platform) =>
    (await preflight(input(env, platform), ports)).filter((p) => p.startsWith('no Claude credentials'));

  it('takes Bedrock or Vertex when switched on, a key helper in the CLI settings, a login under CLAUDE_CONFIG_DIR', async () => {
    assert.deepEqual(await credentialProblems({ CLAUDE_CODE_USE_BEDROCK: '1' }, machine({})), []);
    assert.deepEqual(await credentialProblems({ CLAUDE_CODE_USE_VERTEX: 'true' }, machine({})), []);
    assert.equal((await credentialProblems({ CLAUDE_CODE_USE_BEDROCK: '0', ANTHROPIC_API_KEY: '  ' }, machine({}))).length, 1);
    assert.deepEqual(await credentialProblems({}, machine({ files: { '/home/u/.claude/settings.json': '{"apiKeyHelper": "~/bin/key.sh"}' } })), []);
    assert.deepEqual(await credentialProblems({ CLAUDE_CONFIG_DIR: '/cfg' }, machine({ files: { '/cfg/.credentials.json': '{}' } })), []);
    const [problem] = await credentialProblems({ CLAUDE_CONFIG_DIR: '/cfg' }, machine({ files: { '/home/u/.claude/.credentials.json': '{}' } }));
    assert.match(problem ?? '', /so that \/cfg\/\.credentials\.json exists$/);
  });

  it('asks the macOS Keychain for a login there', async () => {
    const refused: ProcessOutcome = { code: 44, stdout: '', stderr: 'The specified item could not be found in the keychain.', timedOut: false };
    assert.deepEqual(await credentialProblems({}, machine({}), 'darwin'), []);
    assert.equal((await credentialProblems({}, machine({ run: { security: refused } }), 'darwin')).length, 1);
    assert.equal((await credentialProblems({}, machine({}), 'linux')).length, 1, 'no Keychain on Linux');
  });

  it('says why the binary did not run: missing, not executable, timed out, failed', async () => {
    const binary = async (outcome: ProcessOutcome) => (await preflight(input({ ANTHROPIC_API_KEY: 'k' }), machine({ run: { '/opt/claude': outcome } })))[0] ?? '';
    const none = { stdout: '', stderr: '', timedOut: false };
    assert.match(await binary({ ...none, code: null, startError: 'ENOENT' }), /^the claude CLI at \/opt\/claude \(from --claude-path\) was not found: /);
    assert.match(await binary({ ...none, code: null, startError: 'EACCES' }), /\) is not executable: /);
    assert.match(await binary({ ...none, code: null, timedOut: true }), /\) did not answer --version within 10 s: /);
    assert.match(await binary({ ...none, code: 1, stderr: 'Error: cannot find module\n  at x\n' }), /\) failed --version \(exit 1: Error: cannot find module\): /);
  });
});

describe('preflight: the claude binary answers --version once per file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-preflight-claude-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // A stand-in claude that counts how often it is asked, and fails when told to.
  const claude = (exitCode: number): string => {
    const bin = join(dir, 'claude');
    writeFileSync(bin, `#!/bin/sh\necho x >> ${join(dir, 'calls')}\necho "2.1.197 (Claude Code)"\nexit ${exitCode}\n`);
    chmodSync(bin, 0o755);
    return bin;
  };
  const calls = (): number => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').split('\n').length - 1 : 0);
  const input = (claudePath: string): PreflightInput => ({
    workspace: dir,
    env: { PATH: '/usr/bin:/bin', ANTHROPIC_API_KEY: 'k', HOME: join(dir, 'home') },
    needs: { providers: new Map([['claude', ['PRD-1/T1']]]), browserTasks: [] },
    claudePath,
    claudePathFrom: 'from --claude-path',
    chromiumPath: '/nonexistent',
    git: false,
  });

  it('skips the run for the same binary, runs it again after the binary changed, never caches a failure', async () => {
    const bin = claude(0);
    assert.deepEqual(await preflight(input(bin), nodePreflightPorts), []);
    assert.deepEqual(await preflight(input(bin), nodePreflightPorts), []);
    assert.equal(calls(), 1, 'the second start took the cached answer');
    claude(1); // rewritten: another file for the stamp, and it now fails
    assert.match((await preflight(input(bin), nodePreflightPorts))[0] ?? '', /failed --version \(exit 1/);
    assert.match((await preflight(input(bin), nodePreflightPorts))[0] ?? '', /failed --version \(exit 1/);
    assert.equal(calls(), 3, 'a failing binary is asked every time');
    assert.ok(existsSync(join(dir, 'home', '.cache', 'orch', 'claude-version.json')), "the cache is the user's, shared by workspaces");
  });
});
