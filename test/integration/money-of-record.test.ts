import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { gitOk } from '../../src/orchestrator/engine/git';
import { textReply } from '../../src/scripted-model/reply';
import { costing, modelIs, overloaded, paced, route, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import { CLAUDE_BIN, claudeEnv } from '../support/claude-harness';
import { useChromium } from '../support/chromium';
import { openDashboardPage } from '../support/dashboard-page';
import { REPO_ROOT, setGitIdentity } from '../support/engine-fixture';
import { startTestServer } from './server-harness';

// The model that did the work, and budgets that hold inside a model turn, through the orch CLI,
// the real claude CLI and the scripted model.

const ROADMAP = '# R\n\n## Phase 1: P\n\n### Milestone 1.1: M\n**Duration:** 1 week\n';

function prd(tasks: readonly { id: string; model: string; file: string }[]): string {
  const lines = tasks.map((t) => `  - id: ${t.id}\n    title: Write ${t.file}\n    description: Write ${t.file}.\n    agent: backend-engineer\n    model: ${t.model}\n    verify:\n      - file: ${t.file}\n`);
  return `---\nid: PRD-M\nmilestone: "1.1"\ntitle: Money\ntasks:\n${lines.join('')}---\n`;
}

/** Each task writes its file in one turn and says so in a second one. */
function writesItsFile(request: Parameters<Scenario>[0], context: Parameters<Scenario>[1]): ReturnType<Scenario> {
  const id = /## Task (T\d+):/.exec(request.userText)?.[1] ?? 'T0';
  const file = `${id.toLowerCase()}.txt`;
  return turnsSinceLastInstruction(request) === 0 ? writeTool(file, `${file}\n`)(request, context) : textReply(`Wrote ${file}.`);
}

interface TaskJson {
  id: string;
  state: string;
  attempts: number;
  model: string | null;
  modelAskedFor: string | null;
  modelsTried: { model: string; attemptId: string; reason: string }[];
}

interface StatusJson {
  state: string;
  costUsd: number;
  tasks: TaskJson[];
  costs: { byModel: Record<string, { totalUsd: number }> };
  budget: { budgetUsd: number | null; spentUsd: number; overshootUsd: number; overshootPct: number; pausedForBudget: boolean; continueWith: string | null };
}

describe('money of record: the model that did the work, and in-turn budgets (orch CLI, real claude CLI)', function () {
  this.timeout(240_000);
  // One CLI run serves several assertions: the directory lives as long as this describe.
  const tmp = { path: '' };
  before(() => {
    tmp.path = mkdtempSync(join(tmpdir(), 'orch-money-'));
  });
  after(() => rmSync(tmp.path, { recursive: true, force: true }));

  async function workspace(name: string, prdText: string, scenario: Scenario, config?: object) {
    const ws = join(tmp.path, name);
    const home = join(tmp.path, `${name}-home`);
    mkdirSync(join(ws, 'prds'), { recursive: true });
    mkdirSync(home);
    writeFileSync(join(ws, 'roadmap.md'), ROADMAP);
    writeFileSync(join(ws, 'prds', 'm.md'), prdText);
    if (config !== undefined) {
      mkdirSync(join(ws, '.orch'));
      writeFileSync(join(ws, '.orch', 'config.json'), JSON.stringify(config));
    }
    await gitOk(ws, ['init', '-q', '-b', 'main']);
    await setGitIdentity(ws);
    await gitOk(ws, ['add', '-A']);
    await gitOk(ws, ['commit', '-q', '-m', 'fixture']);
    const model = await startScriptedModel({ scenario });
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
    const status = async (): Promise<StatusJson> => {
      const { out } = await orch(['status', '--json']);
      assert.ok(out.startsWith('{'), out);
      return JSON.parse(out) as StatusJson;
    };
    return { ws, model, orch, status };
  }

  describe('a task pinned to opus whose opus is overloaded', () => {
    let run: { code: number | null; out: string };
    let text: string;
    let json: StatusJson;
    let server: ScriptedModelServer;
    let ws: string;
    const chromium = useChromium();

    before(async () => {
      const scenario = route([{ when: modelIs('opus'), then: overloaded() }], costing({ inputTokens: 10_000, outputTokens: 500 }, writesItsFile));
      const w = await workspace('fallback', prd([{ id: 'T1', model: 'opus', file: 't1.txt' }]), scenario, { router: { fallbackPinned: true } });
      server = w.model;
      ws = w.ws;
      run = await w.orch(['run', 'roadmap.md']);
      text = (await w.orch(['status'])).out;
      json = await w.status();
    });
    after(() => server.close());

    it('falls back to sonnet and is verified there', () => {
      assert.equal(run.code, 0, run.out);
      assert.deepEqual(json.tasks.map((t) => [t.id, t.state]), [['T1', 'verified']]);
      assert.ok(server.modelRequests().some((r) => modelIs('opus')(r.parsed!)) && server.modelRequests().some((r) => modelIs('sonnet')(r.parsed!)));
    });

    it('status --json names sonnet as the model, opus as asked for, and why opus was left', () => {
      const t1 = json.tasks[0]!;
      assert.equal(t1.model, 'sonnet');
      assert.equal(t1.modelAskedFor, 'opus');
      assert.equal(t1.modelsTried.length, 1, JSON.stringify(t1.modelsTried));
      assert.equal(t1.modelsTried[0]!.model, 'opus');
      assert.match(t1.modelsTried[0]!.reason, /overloaded/);
    });

    it('splits the cost by the model that spent it', () => {
      assert.ok((json.costs.byModel.sonnet?.totalUsd ?? 0) > 0, JSON.stringify(json.costs.byModel));
      assert.ok(Math.abs(Object.values(json.costs.byModel).reduce((s, c) => s + c.totalUsd, 0) - json.costUsd) < 1e-9);
    });

    it('status text and the run summary say it too', () => {
      assert.match(text, /PRD-M\/T1 {2}backend-engineer on sonnet \(asked for opus; left opus: .*overloaded/);
      assert.match(run.out, /sonnet \(asked for opus; left opus: .*overloaded/);
    });

    it('the dashboard task page names sonnet, with opus as asked for and why it was left', async () => {
      const dashboard = await startTestServer(ws);
      try {
        const { page, problems } = await openDashboardPage(chromium.browser(), dashboard, 1280);
        await page.goto(`${dashboard.url}#/task/${encodeURIComponent('PRD-M/T1')}`);
        const model = page.getByTestId('model-of-record');
        await model.waitFor();
        assert.equal((await model.innerText()).trim(), 'sonnet (asked for opus)');
        assert.match(await page.getByTestId('models-tried').innerText(), /opus \(#1\): .*overloaded/);
        await page.goto(`${dashboard.url}#/costs`);
        await page.getByRole('rowheader', { name: 'sonnet', exact: true }).first().waitFor();
        assert.deepEqual(problems, []);
        await page.close();
      } finally {
        await dashboard.close();
      }
    });
  });

  describe('four tasks of $0.45 a model turn at --budget 0.5', () => {
    // sonnet at $3/$15 per million tokens: 140,000 input and 2,000 output tokens are $0.45 a turn.
    const turn = { inputTokens: 140_000, outputTokens: 2_000 };
    const tasks = ['T1', 'T2', 'T3', 'T4'].map((id) => ({ id, model: 'sonnet', file: `${id.toLowerCase()}.txt` }));
    let first: { code: number | null; out: string };
    let paused: StatusJson;
    let pausedText: string;
    let resumed: { code: number | null; out: string };
    let done: StatusJson;
    let server: ScriptedModelServer;
    let atPause: readonly string[];

    before(async () => {
      // Each answer streams an event every 40 ms: the turn is still going when its input is known.
      // Four may run at once: the first turn's cost, once seen, keeps the others from starting.
      const w = await workspace('budget', prd(tasks), costing(turn, paced(40, writesItsFile)), { parallel: 4 });
      server = w.model;
      first = await w.orch(['run', 'roadmap.md', '--budget', '0.5']);
      paused = await w.status();
      atPause = server.modelRequests().map((r) => r.parsed?.userText ?? '');
      pausedText = (await w.orch(['status'])).out;
      resumed = await w.orch(['resume', '--budget', '5']);
      done = await w.status();
    });
    after(() => server.close());

    it('pauses with exit 3 and an overshoot under 10% of the budget', () => {
      assert.equal(first.code, 3, first.out);
      assert.equal(paused.state, 'paused');
      assert.ok(paused.costUsd > 0.4, `spent ${paused.costUsd}: at least the first turn`);
      assert.ok(paused.budget.overshootPct < 10, `overshoot ${paused.budget.overshootUsd} (${paused.budget.overshootPct}%)`);
      assert.equal(paused.budget.pausedForBudget, true);
    });

    it('stopped the first attempt mid-turn, before its second turn, and started no other task', () => {
      assert.equal(atPause.filter((text) => text.includes('## Task T1:')).length, 1, 'one turn of T1');
      assert.equal(atPause.filter((text) => /## Task T[234]:/.test(text)).length, 0);
      assert.deepEqual(paused.tasks.map((t) => [t.id, t.state, t.attempts]), [['T1', 'pending', 1], ['T2', 'pending', 0], ['T3', 'pending', 0], ['T4', 'pending', 0]]);
    });

    it('says the budget, the spend and the exact command to continue', () => {
      assert.match(first.out, /budget \$0\.50, spent \$0\.4\d+/);
      assert.match(first.out, /orch resume \S+ --budget USD \(USD is the new total, e.g\. orch resume \S+ --budget \d+\.\d\d\)/);
      assert.match(pausedText, /paused for budget; continue with: orch resume \S+ --budget \d+\.\d\d/);
      assert.ok(paused.budget.continueWith?.startsWith('orch resume '));
    });

    it('completes every task after orch resume --budget', () => {
      assert.equal(resumed.code, 0, resumed.out);
      assert.equal(done.state, 'completed');
      assert.deepEqual(done.tasks.map((t) => t.state), ['verified', 'verified', 'verified', 'verified']);
      assert.equal(done.budget.overshootUsd, 0);
    });
  });
});
