import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { gitOk } from '../../src/orchestrator/engine/git';
import { textReply } from '../../src/scripted-model/reply';
import { costing, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { startScriptedModel } from '../../src/scripted-model/server';
import { CLAUDE_BIN, claudeEnv } from '../support/claude-harness';
import { REPO_ROOT, setGitIdentity } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

// Both tasks pinned to haiku so the arithmetic is fixed: each attempt is two model turns of
// 50,000 input and 1,000 output tokens, $0.11 at haiku's $1/$5 per million tokens.
const PRD = `---
id: PRD-B
milestone: "1.1"
title: Budget
tasks:
  - id: T1
    title: First file
    description: Write one.txt.
    agent: backend-engineer
    model: haiku
    verify:
      - file: one.txt
  - id: T2
    title: Second file
    description: Write two.txt.
    agent: backend-engineer
    model: haiku
    depends: [T1]
    verify:
      - file: two.txt
---
`;

const ROADMAP = '# R\n\n## Phase 1: P\n\n### Milestone 1.1: M\n**Duration:** 1 week\n';

const scenario: Scenario = costing({ inputTokens: 50_000, outputTokens: 1_000 }, (request, context) => {
  const file = request.userText.includes('## Task T1:') ? 'one.txt' : 'two.txt';
  return turnsSinceLastInstruction(request) === 0 ? writeTool(file, `${file}\n`)(request, context) : textReply(`Wrote ${file}.`);
});

interface StatusJson {
  runId: string;
  state: string;
  costUsd: number;
  tasks: { id: string; state: string; attempts: number; costUsd: number }[];
  costs: { byModel: Record<string, { totalUsd: number; reportedUsd: number; estimatedUsd: number }>; byTask: Record<string, { totalUsd: number }> };
  budget: { budgetUsd: number | null; remainingUsd: number | null };
}

describe('hard budgets through the orch CLI', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  async function setup(prd: string, chosen: Scenario) {
    const ws = join(tmp.path, 'ws');
    const home = join(tmp.path, 'home');
    mkdirSync(join(ws, 'prds'), { recursive: true });
    mkdirSync(home);
    writeFileSync(join(ws, 'roadmap.md'), ROADMAP);
    writeFileSync(join(ws, 'prds', 'b.md'), prd);
    await gitOk(ws, ['init', '-q', '-b', 'main']);
    await setGitIdentity(ws);
    await gitOk(ws, ['add', '-A']);
    await gitOk(ws, ['commit', '-q', '-m', 'fixture']);
    const model = await startScriptedModel({ scenario: chosen });
    const env = claudeEnv(model.url, home);
    const orch = (args: string[]): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const extra = args[0] === 'status' ? ['--workspace', ws] : ['--workspace', ws, '--claude-path', CLAUDE_BIN, '--no-dashboard'];
        const child = spawn(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts'), ...args, ...extra], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.once('exit', (code) => resolve({ code, out }));
      });
    return { model, orch };
  }

  it('pauses with exit 3 when the budget cannot cover the next task, and completes after orch resume --budget', async () => {
    const { model, orch } = await setup(PRD, scenario);
    try {
      const first = await orch(['run', 'roadmap.md', '--budget', '0.15']);
      assert.equal(first.code, 3, first.out);
      assert.match(first.out, /orch resume .* --budget USD/);
      const paused = JSON.parse((await orch(['status', '--json'])).out) as StatusJson;
      assert.equal(paused.state, 'paused');
      assert.deepEqual(paused.tasks.map((t) => [t.id, t.state, t.attempts]), [['T1', 'verified', 1], ['T2', 'pending', 0]]);
      assert.ok(paused.costUsd > 0.1 && paused.costUsd <= 0.15, `spent ${paused.costUsd}, within the budget`);
      assert.equal(paused.budget.budgetUsd, 0.15);
      assert.ok(paused.budget.remainingUsd !== null && paused.budget.remainingUsd < 0.11);
      assert.equal(model.modelRequests().filter((r) => r.parsed?.userText.includes('## Task T2:')).length, 0, 'T2 never started');

      const second = await orch(['resume', '--budget', '1']);
      assert.equal(second.code, 0, second.out);
      const done = JSON.parse((await orch(['status', '--json'])).out) as StatusJson;
      assert.equal(done.state, 'completed');
      assert.deepEqual(done.tasks.map((t) => [t.id, t.state, t.attempts]), [['T1', 'verified', 1], ['T2', 'verified', 1]]);
      assert.ok(Math.abs(done.costs.byModel.haiku!.totalUsd - done.costUsd) < 1e-9, JSON.stringify(done.costs.byModel));
      assert.equal(done.costs.byModel.haiku!.reportedUsd, done.costUsd);
      assert.equal(done.costs.byModel.haiku!.estimatedUsd, 0);
    } finally {
      await model.close();
    }
  });

  it('stops an attempt at its cap when it overruns, keeps its work and cost, and finishes it after resume', async () => {
    const files = ['one.txt', 'one-b.txt', 'one-c.txt'];
    const long: Scenario = costing({ inputTokens: 50_000, outputTokens: 1_000 }, (request, context) => {
      const file = files[turnsSinceLastInstruction(request)];
      return file === undefined ? textReply('Wrote all three.') : writeTool(file, `${file}\n`)(request, context);
    });
    const onlyT1 = PRD.slice(0, PRD.indexOf('  - id: T2')) + '---\n';
    const { model, orch } = await setup(onlyT1, long);
    try {
      const first = await orch(['run', 'roadmap.md', '--budget', '0.12']);
      assert.equal(first.code, 3, first.out);
      const paused = JSON.parse((await orch(['status', '--json'])).out) as StatusJson & { pausedReason: string };
      assert.deepEqual(paused.tasks.map((t) => [t.id, t.state, t.attempts]), [['T1', 'pending', 1]]);
      // Orch stops the attempt mid-turn once its next turn would cross the budget: two turns of
      // $0.055 are paid, the third is never asked for.
      assert.ok(paused.costUsd > 0.1 && paused.costUsd <= 0.12, String(paused.costUsd));
      assert.match(paused.pausedReason, /budget/);

      const second = await orch(['resume', '--budget', '1']);
      assert.equal(second.code, 0, second.out);
      const done = JSON.parse((await orch(['status', '--json'])).out) as StatusJson;
      assert.deepEqual(done.tasks.map((t) => [t.id, t.state, t.attempts]), [['T1', 'verified', 2]]);
      assert.ok(done.costs.byTask['PRD-B/T1']!.totalUsd > paused.costUsd, 'both attempts are counted');
      const resumed = model.modelRequests().filter((r) => r.parsed?.userText.includes('stopped at its budget cap'));
      assert.ok(resumed.length > 0 && resumed[0]!.parsed!.userText.includes('## Task T1:'), 'the second attempt resumed the first one\'s session');
    } finally {
      await model.close();
    }
  });

  it('caps a task at its PRD budgetUsd: the attempt stops there and the task alone is blocked, naming its cap', async () => {
    // T1's attempt would take three turns of $0.055; its own cap is $0.05. T2 has no cap.
    const capped = PRD.replace('    model: haiku\n    verify:\n      - file: one.txt', '    model: haiku\n    budgetUsd: 0.05\n    verify:\n      - file: one.txt').replace('    depends: [T1]\n', '');
    assert.ok(capped.includes('budgetUsd: 0.05') && !capped.includes('depends'));
    const files = ['one.txt', 'one-b.txt', 'one-c.txt'];
    const chosen: Scenario = costing({ inputTokens: 50_000, outputTokens: 1_000 }, (request, context) => {
      const mine = request.userText.includes('## Task T1:') ? files : ['two.txt'];
      const file = mine[turnsSinceLastInstruction(request)];
      return file === undefined ? textReply('Done.') : writeTool(file, `${file}\n`)(request, context);
    });
    const { model, orch } = await setup(capped, chosen);
    try {
      const run = await orch(['run', 'roadmap.md']);
      assert.equal(run.code, 1, run.out);
      const status = JSON.parse((await orch(['status', '--json'])).out) as Omit<StatusJson, 'tasks'> & { tasks: (StatusJson['tasks'][number] & { error?: string })[] };
      assert.equal(status.state, 'failed');
      const t1 = status.tasks.find((t) => t.id === 'T1')!;
      assert.deepEqual([t1.state, t1.attempts], ['blocked', 1]);
      assert.match(t1.error ?? '', /^budget: PRD-B\/T1#1 stopped at what the task's cap left \(\$0\.0500\)/);
      // The CLI checks its cap between turns: the turn that crosses it is still paid for, no more.
      assert.ok(t1.costUsd > 0.05 && t1.costUsd < 0.06, String(t1.costUsd));
      assert.equal(model.modelRequests().filter((r) => r.parsed?.userText.includes('## Task T1:')).length, 1, 'one turn of T1, then the cap');
      assert.deepEqual(status.tasks.find((t) => t.id === 'T2')?.state, 'verified');
    } finally {
      await model.close();
    }
  });
});
