// Under tsx a file nested 4,000 levels deep merely overflowed the stack; in the esbuild bundle
// users run, the same files made V8 abort the process (exit 134, "RegExpCompiler ... out of
// memory"). So this runs the CLI as it ships: bundled by esbuild, in its own process.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { nestedFlow } from '../support/hostile-yaml';
import { useTempDir } from '../support/temp-dir';

const REPO = resolve(__dirname, '../..');

describe('orch agents, bundled, on YAML nested 4,000 levels deep', function () {
  this.timeout(60_000);
  const dir = useTempDir('orch-deep-yaml-');

  it('lists the agent file and teams.yaml as invalid at their lines and exits 0', async () => {
    // The bundle finds the built-in agents through the package.json above it, as in an install.
    const install = join(dir.path, 'orch');
    mkdirSync(install);
    writeFileSync(join(install, 'package.json'), JSON.stringify({ name: 'orch' }));
    symlinkSync(join(REPO, 'agents'), join(install, 'agents'));
    const cli = join(install, 'dist', 'cli.js');
    await build({ entryPoints: [join(REPO, 'src/cli/main.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['@anthropic-ai/claude-code', 'playwright-core'], logLevel: 'error' });

    const workspace = join(dir.path, 'ws');
    const home = join(dir.path, 'home');
    mkdirSync(join(workspace, '.orch', 'agents'), { recursive: true });
    mkdirSync(home);
    const agent = join(workspace, '.orch', 'agents', 'deep.md');
    const teams = join(workspace, '.orch', 'teams.yaml');
    writeFileSync(agent, `---\nname: deep\ndescription: d\n${nestedFlow(4000)}\n---\nbody\n`);
    writeFileSync(teams, `${nestedFlow(4000)}\n`);

    const run = spawnSync(process.execPath, [cli, 'agents', '--json', '--workspace', workspace], { encoding: 'utf8', env: { ...process.env, HOME: home } });
    assert.equal(run.status, 0, `exit ${run.status} ${run.signal ?? ''}: ${run.stderr.slice(-2000)}`);
    const json = JSON.parse(run.stdout) as { agents: { name: string }[]; invalid: { file: string; line: number; message: string }[] };
    assert.deepEqual(
      json.invalid.map((i) => [i.file, i.line, i.message.split(' (')[0]]),
      [
        [agent, 4, 'the YAML is nested more than 64 levels deep'],
        [teams, 1, 'the YAML is nested more than 64 levels deep'],
      ],
    );
    assert.equal(json.agents.length, 14);
  });
});
