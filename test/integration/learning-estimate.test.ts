import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import type { OrchData } from '../../src/orchestrator/store/orch-store';
import type { OrchEvent } from '../../src/protocol/events';
import type { LiveForecast, PlanEstimate } from '../../src/protocol/forecast';
import type { RunOutcome } from '../../src/orchestrator/engine/start-run';
import { textReply } from '../../src/scripted-model/reply';
import { slow, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { engineFixture, prd, type EngineFixture } from '../support/engine-fixture';
import { exited } from '../support/process-exit';

const PRD = prd('PRD-E', [
  { id: 'T1', file: 'one.txt' },
  { id: 'T2', file: 'two.txt', depends: ['T1'] },
  { id: 'T3', file: 'three.txt' },
]);

// T2 takes a few seconds: it runs on after T1 and T3 have ended, so the forecast made after
// their ends (at most one a second, forecast-hook.ts) finds a task still left, however fast the rest.
const scenario: Scenario = (request, context) => {
  const file = /Create (\S+) for/.exec(request.userText)?.[1] ?? 'x.txt';
  if (turnsSinceLastInstruction(request) > 0) return textReply(`Wrote ${file}.`);
  return file === 'two.txt' ? slow(2_500, writeTool(file, 'done\n'))(request, context) : writeTool(file, 'done\n')(request, context);
};

type Forecasted = Extract<OrchEvent, { type: 'forecast.updated' }>;

// One real run of a small roadmap, estimated before and after, and the learning store around it.
describe('the learning store and estimates across a real run (orch plan --estimate, orch learn)', function () {
  this.timeout(180_000);
  // One workspace for all the tests: they read one run.
  const dir = mkdtempSync(join(tmpdir(), 'orch-learn-'));
  let f: EngineFixture;
  let ahead: PlanEstimate;
  let run: RunOutcome;
  let later: PlanEstimate;
  let events: OrchEvent[];
  // The first `orch plan --estimate` runs as its own process, as users run it; the rest in this one (spawning costs seconds each).
  const orch = async (...args: string[]): Promise<string> => {
    const r = await exited(f.orch(args));
    assert.equal(r.code, 0, r.out);
    return r.out;
  };
  const cli = async (...args: string[]): Promise<{ code: number; out: string }> => {
    const out: string[] = [];
    const code = await runCli([...args, '--workspace', f.workspace], { cwd: f.workspace, env: f.env, out: (t) => out.push(t), err: (t) => out.push(t) });
    return { code, out: out.join('\n') };
  };
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(...args);
    assert.equal(r.code, 0, r.out);
    return r.out;
  };

  before(async () => {
    f = await engineFixture(dir, { 'e.md': PRD }, scenario);
    ahead = JSON.parse(await orch('plan', 'roadmap.md', '--estimate', '--json', '--parallel', '2')) as PlanEstimate;
    run = await f.run({ parallel: 2 });
    events = f.events(run.runId);
    later = JSON.parse(await ok('plan', 'roadmap.md', '--estimate', '--json', '--parallel', '2')) as PlanEstimate;
  });
  after(async () => {
    await f?.model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('estimates with no history on the stated defaults, saying so, before any spend', () => {
    assert.equal(ahead.basis, 'defaults');
    assert.match(ahead.note ?? '', /^no history: defaults of 2 min/);
    assert.equal(ahead.parallel, 2);
    assert.deepEqual(ahead.tasks.map((t) => [t.taskId, t.basis, t.samples]), ['T1', 'T2', 'T3'].map((id) => [`PRD-E/${id}`, 'defaults', 0]));
    assert.deepEqual([ahead.prds.map((p) => p.id), ahead.milestones.map((m) => m.id)], [['PRD-E'], ['1.1']]);
    assert.ok(ahead.run.wallMs.lo < ahead.run.wallMs.p50 && ahead.run.wallMs.p50 < ahead.run.wallMs.hi, JSON.stringify(ahead.run));
  });

  it('records one outcome per finished attempt, with the task\'s features and the model of record', () => {
    assert.equal(run.result, 'completed');
    const store = JSON.parse(readFileSync(join(f.workspace, '.orch', 'orch.json'), 'utf8')) as OrchData;
    const attempts = Object.values(run.snapshot.attempts);
    assert.deepEqual(store.outcomes?.map((o) => o.attemptId).sort(), attempts.map((a) => a.id).sort());
    for (const o of store.outcomes ?? []) {
      const a = run.snapshot.attempts[o.attemptId]!;
      assert.equal(o.model, a.modelOfRecord ?? a.model);
      assert.equal(o.durationMs, Date.parse(a.finishedAt!) - Date.parse(a.startedAt));
      assert.ok(o.costUsd > 0 && o.inputTokens > 0 && o.outputTokens > 0, JSON.stringify(o));
      assert.deepEqual([o.runId, o.phase, o.agent, o.taskState, o.firstPass], [run.runId, 'implementation', 'backend-engineer', 'verified', true]);
    }
  });

  it('appends a live forecast at the start and after attempts finish, down to no task left', () => {
    const forecasts = events.filter((e): e is Forecasted => e.type === 'forecast.updated');
    const firstAttempt = events.findIndex((e) => e.type === 'attempt.started');
    assert.ok(events.findIndex((e) => e.type === 'forecast.updated') < firstAttempt, 'a forecast before the first attempt');
    assert.equal(forecasts[0]!.forecast.tasksLeft, 3);
    assert.equal(forecasts[0]!.forecast.basis, 'defaults');
    // Ends close together share one forecast made after them (forecast-hook.ts), so what holds is
    // that every finished attempt is followed by a forecast, not one forecast each.
    const lastForecast = events.map((e) => e.type).lastIndexOf('forecast.updated');
    const lastFinished = events.map((e) => e.type).lastIndexOf('attempt.finished');
    assert.ok(lastFinished > firstAttempt && lastForecast > lastFinished, `the last forecast (event ${lastForecast}) comes after the last finished attempt (event ${lastFinished})`);
    assert.ok(forecasts.length >= 2, `${forecasts.length} forecasts`);
    const last: LiveForecast = run.snapshot.forecast!;
    assert.equal(last.tasksLeft, 0);
    assert.deepEqual(last.etaMs, { p50: 0, lo: 0, hi: 0 });
    assert.ok(forecasts.some((e) => e.forecast.basis === 'history' && e.forecast.tasksLeft > 0), 'finished tasks of this run inform the rest of it');
  });

  it('estimates the same roadmap from history after the run: basis history, and closer to what the run took', () => {
    assert.equal(later.basis, 'history');
    assert.equal(later.note, undefined);
    assert.deepEqual(later.tasks.map((t) => [t.basis, t.samples]), [['history', 1], ['history', 1], ['history', 1]]);
    const took = (id: string): number => {
      const task = run.snapshot.tasks[id]!;
      return task.attempts.reduce((s, a) => s + Date.parse(run.snapshot.attempts[a]!.finishedAt!) - Date.parse(run.snapshot.attempts[a]!.startedAt), 0);
    };
    for (const t of later.tasks) {
      const prior = ahead.tasks.find((b) => b.taskId === t.taskId)!;
      assert.ok(Math.abs(t.durationMs.p50 - took(t.taskId)) < Math.abs(prior.durationMs.p50 - took(t.taskId)), `${t.taskId}: ${JSON.stringify(t.durationMs)} vs ${took(t.taskId)}`);
      assert.ok(t.durationMs.lo <= took(t.taskId) && took(t.taskId) <= t.durationMs.hi);
      assert.equal(t.costUsd.p50, run.snapshot.tasks[t.taskId]!.costUsd);
    }
    const cost = run.snapshot.costUsd;
    assert.ok(Math.abs(later.run.costUsd.p50 - cost) < Math.abs(ahead.run.costUsd.p50 - cost), `${later.run.costUsd.p50} vs ${cost}`);
    const wall = Date.parse(run.snapshot.finishedAt ?? run.snapshot.updatedAt) - Date.parse(run.snapshot.startedAt);
    assert.ok(Math.abs(later.run.wallMs.p50 - wall) < Math.abs(ahead.run.wallMs.p50 - wall), `${later.run.wallMs.p50} vs ${wall}`);
  });

  it('orch status --json carries the forecast; orch learn summarises, exports and resets the store', async () => {
    const status = JSON.parse(await ok('status', '--json')) as { forecast: LiveForecast | null };
    assert.deepEqual(status.forecast, run.snapshot.forecast);
    const attempts = Object.keys(run.snapshot.attempts).length;
    assert.match(await ok('learn'), new RegExp(`: ${attempts} of at most 2000 attempt outcomes, from 1 run\\(s\\) and 3 distinct task\\(s\\); 3 routing record\\(s\\)`));
    const exported = JSON.parse(await ok('learn', '--export')) as { outcomes: unknown[]; routing: unknown[]; bound: number };
    assert.deepEqual([exported.outcomes.length, exported.routing.length, exported.bound], [attempts, 3, 2000]);
    assert.match(await ok('learn', '--reset'), new RegExp(`^removed ${attempts} attempt outcome\\(s\\) and 3 routing record\\(s\\) from .*orch\\.json; runs and lessons are kept`));
    const store = JSON.parse(readFileSync(join(f.workspace, '.orch', 'orch.json'), 'utf8')) as OrchData;
    assert.deepEqual([store.outcomes, store.routing, store.runs.length], [[], [], 1]);
    const reset = JSON.parse(await ok('plan', 'roadmap.md', '--estimate', '--json')) as PlanEstimate;
    assert.equal(reset.basis, 'defaults');
    const both = await cli('learn', '--export', '--reset');
    assert.equal(both.code, 2, both.out);
    assert.match(both.out, /--export and --reset do not go together/);
  });
});
