// `orch` as built keeps the queue's Redis clients and the OpenAI SDK out of its main bundle, in
// bundles of their own (dist/cli-vendor-*.js) required at first use: a start that needs neither
// reads neither, and the commands that need them still get them.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { gitOk } from '../../src/orchestrator/engine/git';
import { finish, route } from '../../src/scripted-model/scenarios';
import { CLAUDE_BIN } from '../support/claude-harness';
import { engineFixture, REPO_ROOT } from '../support/engine-fixture';
import { freePort } from '../support/redis-server';
import { useTempDir } from '../support/temp-dir';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const BUNDLE = join(REPO_ROOT, 'dist', 'cli-main.js');

const PRD = `---
id: PRD-V
milestone: "1.1"
title: Vendor
tasks:
  - id: T1
    title: Analyse
    description: Create docs/analysis.md.
    agent: business-analyst
    output: docs/analysis.md
    verify:
      - file: docs/analysis.md
---
# PRD-V
`;

describe('orch as built, with its vendor bundles (dist/cli-vendor-*.js)', function () {
  this.timeout(120_000);
  const tmp = useTempDir('orch-vendor-');

  before(function () {
    // `npm test` builds first; a lone run of this file without a build has nothing to test.
    if (!existsSync(CLI) || !existsSync(BUNDLE)) this.skip();
  });

  // Which vendor bundles a command required, seen by a preload.
  function vendorsLoaded(dir: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<{ code: number | null; stderr: string; loaded: string[] }> {
    const preload = join(dir, 'log-vendors.cjs');
    writeFileSync(
      preload,
      `const M = require('module'); const load = M._load;\nM._load = function (request, ...rest) { if (/cli-vendor-/.test(request)) process.stderr.write('vendor: ' + request + '\\n'); return load.call(this, request, ...rest); };\n`,
    );
    const child = spawn(process.execPath, ['--require', preload, CLI, ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    return new Promise((resolve) => {
      child.once('close', (code) => resolve({ code, stderr, loaded: [...new Set([...stderr.matchAll(/^vendor: \.\/(\S+)$/gm)].map((m) => m[1]!))] }));
    });
  }

  it('holds neither the Redis clients nor the OpenAI SDK in its main bundle, and a plan reads neither', async () => {
    const bundle = readFileSync(BUNDLE, 'utf8');
    for (const pkg of ['bullmq', 'ioredis', 'openai']) assert.equal(bundle.includes(`node_modules/${pkg}/`), false, `${pkg} is in dist/cli-main.js`);
    const plan = await vendorsLoaded(tmp.path, ['plan', join(REPO_ROOT, 'examples', 'roadmap.md'), '--json']);
    assert.deepEqual([plan.code, plan.loaded], [0, []], plan.stderr);
  });

  it('gives `orch worker` the queue clients: an unreachable queue is named, not a missing module', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const worker = await vendorsLoaded(tmp.path, ['worker', '--queue', url]);
    assert.deepEqual(worker.loaded, ['cli-vendor-queue.js'], worker.stderr);
    assert.match(worker.stderr, new RegExp(`cannot reach the queue at ${url}`));
    assert.doesNotMatch(worker.stderr, /Cannot find module/);
  });

  it('runs an OpenAI agent through the openai SDK from its own bundle', async () => {
    const doc = '# Analysis\n';
    const f = await engineFixture(tmp.path, { 'v.md': PRD }, route([{ when: (r) => r.api === 'openai', then: finish(doc) }], demoScenario));
    try {
      const run = await vendorsLoaded(f.workspace, ['run', 'roadmap.md', '--workspace', f.workspace, '--no-dashboard', '--claude-path', CLAUDE_BIN], f.env);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.loaded, ['cli-vendor-openai.js']);
      assert.deepEqual([...new Set(f.model.modelRequests().map((r) => r.parsed?.api))], ['openai']);
      const branch = (await gitOk(f.workspace, ['branch', '--list', 'orch/*/integration', '--format=%(refname:short)'])).trim();
      assert.equal(await gitOk(f.workspace, ['show', `${branch}:docs/analysis.md`]), doc);
    } finally {
      await f.model.close();
    }
  });
});
