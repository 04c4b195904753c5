import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import type { OrchConfig } from '../../src/orchestrator/config/orch-config';
import type { RunOutcome } from '../../src/orchestrator/engine/start-run';
import { gitOk } from '../../src/orchestrator/engine/git';
import { InputErrors } from '../../src/orchestrator/errors';
import type { OrchEvent } from '../../src/protocol/events';
import { answeringAs, costing, finish, modelFamily, modelIs, overloaded, rateLimited, route, steps, writeTool, type Step } from '../../src/scripted-model/scenarios';
import type { ScriptedModelServer } from '../../src/scripted-model/server';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';
import type { AttemptRunner } from '../../src/orchestrator/engine/engine-context';
import { runOpenaiAttempt } from '../../src/orchestrator/openai/run-openai-attempt';
import { ModelCatalog } from '../../src/orchestrator/router/model-catalog';

interface TaskSpec {
  readonly id: string;
  readonly file: string;
  readonly agent?: string;
  readonly model?: string;
  readonly output?: string;
}

function prdText(tasks: readonly TaskSpec[]): string {
  const lines = ['---', 'id: PRD-R', 'milestone: "1.1"', 'title: Routing', 'tasks:'];
  for (const t of tasks) {
    lines.push(`  - id: ${t.id}`, `    title: Make ${t.file}`, `    description: Create ${t.file}.`, `    agent: ${t.agent ?? 'backend-engineer'}`);
    if (t.model !== undefined) lines.push(`    model: ${t.model}`);
    if (t.output !== undefined) lines.push(`    output: ${t.output}`);
    lines.push('    verify:', `      - file: ${t.file}`);
  }
  return [...lines, '---', '# PRD-R', ''].join('\n');
}

interface Fixture {
  readonly workspace: string;
  readonly model: ScriptedModelServer;
  run(config?: Partial<OrchConfig>, runOpenai?: AttemptRunner): Promise<RunOutcome>;
  events(runId: string): OrchEvent[];
}

async function fixture(dir: string, tasks: readonly TaskSpec[], scenario: Step): Promise<Fixture> {
  const f = await engineFixture(dir, { 'r.md': prdText(tasks) }, scenario);
  return { workspace: f.workspace, model: f.model, run: (config, runOpenai) => f.run({ config, ...(runOpenai === undefined ? {} : { runOpenaiAttempt: runOpenai }) }), events: (runId) => f.events(runId) };
}

function ofType<T extends OrchEvent['type']>(events: readonly OrchEvent[], type: T): Extract<OrchEvent, { type: T }>[] {
  return events.filter((e): e is Extract<OrchEvent, { type: T }> => e.type === type);
}

describe('router, fallback and OpenAI agents through the engine and the real claude CLI', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('honours a pin over the router and the agent, and records every decision with its reasons', async () => {
    // staff-engineer's own model is opus; T1 pins haiku; T2 is left to the router.
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'a.txt', agent: 'staff-engineer', model: 'haiku' }, { id: 'T2', file: 'b.txt' }], demoScenario);
    try {
      const outcome = await f.run();
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const t1Models = f.model.modelRequests().filter((r) => r.parsed?.userText.includes('## Task T1:')).map((r) => modelFamily(r.parsed!.model));
      assert.ok(t1Models.length > 0 && t1Models.every((m) => m === 'haiku'), `T1 ran on ${t1Models.join(', ')}`);
      const routed = ofType(f.events(outcome.runId), 'model.routed');
      const t1 = routed.find((e) => e.taskId === 'PRD-R/T1')!;
      assert.deepEqual([t1.model, t1.source], ['haiku', 'pin']);
      assert.match(t1.reasons[0]!, /pinned to haiku by the PRD/);
      const t2 = routed.find((e) => e.taskId === 'PRD-R/T2')!;
      assert.equal(t2.source, 'router');
      assert.ok(t2.reasons.some((r) => /the cheapest that meets it|no model reaches/.test(r)), t2.reasons.join(' | '));
      assert.deepEqual(t2.alternatives.map((a) => a.model), ['haiku', 'sonnet', 'opus']);
      assert.equal(outcome.snapshot.tasks['PRD-R/T2']?.model, t2.model);
    } finally {
      await f.model.close();
    }
  });

  it('moves an always-overloaded model down its chain, recording the switch and the cost on both models', async () => {
    // opus writes the file, then is overloaded before it can finish; sonnet finishes the resumed session.
    const scenario = route(
      [{ when: modelIs('opus'), then: costing({ inputTokens: 20_000, outputTokens: 500 }, steps([writeTool('a.txt', 'from opus\n')], overloaded())) }],
      costing({ inputTokens: 10_000, outputTokens: 200 }, finish('Finished a.txt.')),
    );
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'a.txt', agent: 'staff-engineer' }], scenario);
    try {
      const outcome = await f.run({ router: { enabled: false, targetFirstPassRate: 0.85, fallbackPinned: false } });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot, null, 1).slice(0, 3000));
      const [fell] = ofType(f.events(outcome.runId), 'model.fellBack');
      assert.deepEqual([fell?.from, fell?.to], ['opus', 'sonnet']);
      assert.match(fell!.reason, /overloaded/);
      const attempt = outcome.snapshot.attempts['PRD-R/T1#1']!;
      assert.equal(attempt.state, 'succeeded');
      assert.equal(attempt.fellBackTo, 'sonnet');
      const byModel = attempt.costByModel ?? {};
      assert.ok((byModel.opus ?? 0) > 0 && (byModel.sonnet ?? 0) > 0, JSON.stringify(byModel));
      assert.ok(Math.abs((byModel.opus ?? 0) + (byModel.sonnet ?? 0) - attempt.costUsd) < 1e-9, 'the split adds up to the attempt cost');
      assert.equal(outcome.snapshot.costUsd, attempt.costUsd);
      assert.equal(ofType(f.events(outcome.runId), 'model.mismatched').length, 0, 'sonnet answering after the switch is no mismatch');
    } finally {
      await f.model.close();
    }
  });

  it('treats a model the API does not know (404) as unavailable and moves down the chain', async () => {
    const scenario = route([{ when: modelIs('opus'), then: { kind: 'error', status: 404, errorType: 'not_found_error', message: 'model: claude-opus-4-8' } }], demoScenario);
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'a.txt', agent: 'staff-engineer' }], scenario);
    try {
      const outcome = await f.run({ router: { enabled: false, targetFirstPassRate: 0.85, fallbackPinned: false } });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.attempts, null, 1).slice(0, 3000));
      const [fell] = ofType(f.events(outcome.runId), 'model.fellBack');
      assert.deepEqual([fell?.from, fell?.to], ['opus', 'sonnet']);
      assert.match(fell!.reason, /404/);
    } finally {
      await f.model.close();
    }
  });

  it('keeps a pinned task on its model when the config does not allow its fallback', async () => {
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'a.txt', model: 'opus' }], route([{ when: modelIs('opus'), then: overloaded() }], demoScenario));
    try {
      const outcome = await f.run({ maxAttempts: 1 });
      assert.equal(outcome.result, 'failed');
      assert.equal(ofType(f.events(outcome.runId), 'model.fellBack').length, 0);
      assert.ok(f.model.modelRequests().every((r) => modelFamily(r.parsed!.model) === 'opus'));
    } finally {
      await f.model.close();
    }
  });

  it('runs an OpenAI-routed agent through the openai SDK, writes its answer to the output path and verifies it', async () => {
    const doc = '# Requirements\n\nThe analysis the task asked for.\n';
    const scenario = route([{ when: (r) => r.api === 'openai', then: costing({ inputTokens: 3_000, outputTokens: 400 }, finish(doc)) }], demoScenario);
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'docs/analysis.md', agent: 'business-analyst', output: 'docs/analysis.md' }], scenario);
    try {
      const outcome = await f.run();
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const requests = f.model.modelRequests();
      assert.deepEqual([...new Set(requests.map((r) => r.parsed?.api))], ['openai']);
      assert.ok(requests[0]?.parsed?.model.startsWith('gpt-4.1'), requests[0]?.parsed?.model);
      assert.equal(await gitOk(f.workspace, ['show', `${outcome.integrationBranch}:docs/analysis.md`]), doc);
      const attempt = outcome.snapshot.attempts['PRD-R/T1#1']!;
      assert.equal(attempt.costSource, 'estimated');
      assert.deepEqual([attempt.inputTokens, attempt.outputTokens], [3_000, 400]);
      assert.ok(attempt.costUsd > 0);
    } finally {
      await f.model.close();
    }
  });

  it('hands OpenAI-routed tasks to the OpenAI runner of its dependencies, with the task output as the request outputPath', async () => {
    const scenario = route([{ when: (r) => r.api === 'openai', then: finish('# Notes\n') }], demoScenario);
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'docs/notes.md', agent: 'business-analyst', output: 'docs/notes.md' }], scenario);
    try {
      const seen: { provider: string; outputPath?: string }[] = [];
      const real = runOpenaiAttempt(ModelCatalog.build());
      const outcome = await f.run(undefined, (request, emit) => {
        seen.push({ provider: 'openai', outputPath: request.outputPath });
        return real(request, emit);
      });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      assert.deepEqual(seen, [{ provider: 'openai', outputPath: 'docs/notes.md' }]);
    } finally {
      await f.model.close();
    }
  });

  it('falls back along an OpenAI chain when the routed model is rate limited, through the openai SDK', async () => {
    const scenario = route(
      [
        { when: (r) => r.api === 'openai' && r.model === 'gpt-4.1-mini', then: rateLimited(0) },
        { when: (r) => r.api === 'openai', then: costing({ inputTokens: 1_000, outputTokens: 100 }, finish('# Analysis\n')) },
      ],
      demoScenario,
    );
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'docs/a.md', agent: 'business-analyst', output: 'docs/a.md', model: 'gpt-4.1-mini' }], scenario);
    try {
      const outcome = await f.run({ router: { enabled: true, targetFirstPassRate: 0.85, fallbackPinned: true } });
      assert.equal(outcome.result, 'completed', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const [fell] = ofType(f.events(outcome.runId), 'model.fellBack');
      assert.deepEqual([fell?.from, fell?.to], ['gpt-4.1-mini', 'gpt-4.1']);
      assert.deepEqual(f.model.modelRequests().map((r) => r.parsed?.model), ['gpt-4.1-mini', 'gpt-4.1']);
      const attempt = outcome.snapshot.attempts['PRD-R/T1#1']!;
      assert.deepEqual(Object.keys(attempt.costByModel ?? {}), ['gpt-4.1-mini', 'gpt-4.1']);
      assert.equal(attempt.modelUsed, 'gpt-4.1');
    } finally {
      await f.model.close();
    }
  });

  it('warns when another model answers than the one routed', async () => {
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'docs/a.md', agent: 'business-analyst', output: 'docs/a.md', model: 'gpt-4.1' }], route([{ when: (r) => r.api === 'openai', then: (r) => ({ kind: 'message', content: [{ type: 'text', text: `# from ${r.model}\n` }], model: 'gpt-4o-mini' }) }], demoScenario));
    try {
      const outcome = await f.run();
      const mismatch = ofType(f.events(outcome.runId), 'model.mismatched');
      assert.deepEqual(mismatch.map((m) => [m.requested, m.used]), [['gpt-4.1', 'gpt-4o-mini']]);
      assert.ok(outcome.snapshot.warnings.some((w) => w.includes('asked for model gpt-4.1, got gpt-4o-mini')));
    } finally {
      await f.model.close();
    }
  });

  it('warns when the claude CLI reports another model than the pinned one', async () => {
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'a.txt', model: 'opus' }], answeringAs('claude-haiku-5-5', demoScenario));
    try {
      const outcome = await f.run();
      assert.equal(outcome.result, 'completed');
      const mismatch = ofType(f.events(outcome.runId), 'model.mismatched');
      assert.deepEqual(mismatch.map((m) => [m.requested, m.used]), [['opus', 'claude-haiku-5-5']]);
      assert.ok(outcome.snapshot.warnings.some((w) => w.includes('asked for model opus, got claude-haiku-5-5')));
    } finally {
      await f.model.close();
    }
  });

  it('pauses the run when an agent\'s own budget cannot cover its next task, naming that budget', async () => {
    const scenario = costing({ inputTokens: 20_000, outputTokens: 1_000 }, demoScenario);
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'a.txt', agent: 'frugal' }, { id: 'T2', file: 'b.txt', agent: 'frugal' }], scenario);
    mkdirSync(join(f.workspace, '.orch', 'agents'), { recursive: true });
    writeFileSync(join(f.workspace, '.orch', 'agents', 'frugal.md'), '---\nname: frugal\ndescription: A cheap helper.\nmodel: haiku\nphases: [implementation]\nbudgetUsd: 0.09\n---\nYou write files.\n');
    try {
      const outcome = await f.run({ router: { enabled: false, targetFirstPassRate: 0.85, fallbackPinned: false } });
      assert.equal(outcome.result, 'paused', JSON.stringify(outcome.snapshot.tasks, null, 1));
      const tasks = outcome.snapshot.tasks;
      assert.deepEqual([tasks['PRD-R/T1']?.state, tasks['PRD-R/T2']?.state, tasks['PRD-R/T2']?.attempts.length], ['verified', 'pending', 0]);
      assert.match(outcome.snapshot.pausedReason ?? '', /PRD-R\/T2's next attempt is predicted at \$[\d.]+ but the agent frugal's budget \$0\.0900 leaves \$0\.0[0-4]\d+/);
      assert.ok(outcome.snapshot.costUsd <= 0.09);
    } finally {
      await f.model.close();
    }
  });

  it('refuses an unknown model before the run, naming the PRD file and line', async () => {
    const f = await fixture(tmp.path, [{ id: 'T1', file: 'a.txt' }, { id: 'T2', file: 'b.txt', model: 'gpt-9-ultra' }], demoScenario);
    try {
      await assert.rejects(f.run(), (error: unknown) => {
        assert.ok(error instanceof InputErrors);
        assert.match(error.message, /prds\/r\.md:\d+: task T2 pins model "gpt-9-ultra", which is not in the model catalog/);
        return true;
      });
      assert.equal(f.model.modelRequests().length, 0);
    } finally {
      await f.model.close();
    }
  });
});
