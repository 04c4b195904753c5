// Adaptive parallelism against the real claude CLI: the scripted model answers the first calls
// of the run with 429 (retry-after 1 s), then works. The engine must halve its parallelism with
// the reason, hold it while the burst lasts, ramp back to --parallel once attempts succeed in a
// quiet interval, pace every attempt's tries through one shared window (cut once for the burst,
// lifted once tries succeed), lose no attempt to the 429s, and still verify every task. One
// run, several assertions read from its log.

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import type { RunOutcome } from '../../src/orchestrator/engine/start-run';
import type { OrchEvent } from '../../src/protocol/events';
import type { RunAdapted } from '../../src/protocol/events-adapt';
import { rateLimited, times } from '../../src/scripted-model/scenarios';
import { runCli } from '../../src/cli/run-cli';
import { adaptationChange } from '../../src/protocol/adaptation-text';
import { engineFixture, prd } from '../support/engine-fixture';

const PARALLEL = 4;
const TASKS = Array.from({ length: 6 }, (_, i) => ({ id: `T${i + 1}`, file: `out/f${i + 1}.txt` }));

describe('adaptive parallelism under 429s from the scripted model', function () {
  this.timeout(180_000);
  let dir = '';
  let outcome: RunOutcome;
  let events: OrchEvent[] = [];
  let adapted: RunAdapted[] = [];
  let parallelism: RunAdapted[] = [];
  let pace: RunAdapted[] = [];
  let status = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-adapt-'));
    // Every task's first call meets the limit; the retries and everything after are answered.
    const f = await engineFixture(dir, { 'p.md': prd('PRD-A', TASKS) }, times(PARALLEL, rateLimited(1), demoScenario));
    try {
      outcome = await f.run({ parallel: PARALLEL, config: { router: { enabled: false, targetFirstPassRate: 0.85, fallbackPinned: false }, adapt: { enabled: true, quietSec: 1, holdSec: 3, agentBudgetShare: 0.9 } } });
      events = f.events(outcome.runId);
      const out: string[] = [];
      await runCli(['status', '--workspace', f.workspace], { cwd: f.workspace, env: f.env, out: (t) => out.push(t), err: (t) => out.push(t) });
      status = out.join('\n');
    } finally {
      await f.model.close();
    }
    adapted = events.filter((e): e is RunAdapted => e.type === 'run.adapted');
    parallelism = adapted.filter((e) => e.kind === 'parallelism');
    pace = adapted.filter((e) => e.kind === 'request-rate');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies every task', () => {
    assert.equal(outcome.result, 'completed', JSON.stringify(Object.values(outcome.snapshot.tasks).map((t) => [t.id, t.state, t.error])));
    assert.ok(Object.values(outcome.snapshot.tasks).every((t) => t.state === 'verified'));
  });

  it('halved the parallelism on the 429s, saying so, then ramped it back up, never above --parallel', () => {
    const steps = parallelism.map((e) => [Number(e.from), Number(e.to)]);
    const down = parallelism.findIndex((e) => Number(e.to) < Number(e.from));
    assert.ok(down >= 0, `no back-off in ${JSON.stringify(steps)}`);
    assert.deepEqual(steps[down], [PARALLEL, PARALLEL / 2]);
    assert.match(parallelism[down]!.reason, /429 answer\(s\) \(rate-limited\) in PRD-A\/T\d#1.*: halved the attempts at once/);
    const ups = parallelism.slice(down + 1).filter((e) => Number(e.to) > Number(e.from));
    assert.ok(ups.length > 0, `never ramped up: ${JSON.stringify(steps)}`);
    assert.match(ups[0]!.reason, /no rate limit, overload or memory pressure for \d+\.\d s and \d+ attempt\(s\) succeeded/);
    assert.ok(steps.every(([, to]) => to! >= 1 && to! <= PARALLEL), JSON.stringify(steps));
  });

  it('paced the tries of every attempt through one shared window, cut once per burst, and lifted the pace once tries succeeded', () => {
    const steps = pace.map((e) => `${e.from} -> ${e.to}: ${e.reason}`);
    const cuts = pace.filter((e) => /429 answer\(s\) since the last change/.test(e.reason));
    assert.ok(cuts.length > 0, steps.join('\n'));
    assert.equal(pace[0]!.from, 'unlimited', steps.join('\n'));
    assert.match(pace[0]!.reason, /^1 429 answer\(s\) since the last change \(the last asking to wait 1 s\): every attempt's tries now wait for one shared window and start at most \d+(\.\d)? a minute/);
    // Four 429s, all to tries started before the first cut (the same burst): fewer decisions than 429s.
    const limited = events.filter((e) => e.type === 'attempt.activity' && e.activity.kind === 'retry' && e.activity.errorStatus === 429 && /#1$/.test(e.attemptId));
    assert.ok(cuts.length < new Set(limited.map((e) => (e.type === 'attempt.activity' ? e.attemptId : ''))).size, steps.join('\n'));
    const last = pace.at(-1)!;
    assert.equal(last.to, 'unlimited', steps.join('\n'));
    assert.match(last.reason, /tries got their answers, none hit a new 429 in the \d+\.\d s since the last cut.*: back to the rate before the storm/);
  });

  it('lost no attempt to the 429s: each task verified on its first attempt, its retries waiting for the window', () => {
    const attempts = Object.values(outcome.snapshot.attempts);
    assert.deepEqual(
      attempts.filter((a) => a.state !== 'succeeded').map((a) => [a.id, a.state, a.failure, a.message]),
      [],
    );
    assert.equal(attempts.length, TASKS.length);
  });

  it('never started a task beyond the limit in force', () => {
    const active = new Set<string>();
    let limit = PARALLEL;
    for (const e of events) {
      if (e.type === 'run.adapted' && e.kind === 'parallelism') limit = Number(e.to);
      if (e.type === 'attempt.started' && !active.has(e.taskId)) {
        assert.ok(active.size < limit, `${e.taskId} started with ${active.size} running under a limit of ${limit}`);
        active.add(e.taskId);
      }
      if (e.type === 'task.verified' || e.type === 'task.blocked' || e.type === 'task.failed') active.delete(e.taskId);
    }
  });

  it('gives every adaptation a reason', () => {
    assert.ok(adapted.length >= 2);
    for (const e of adapted) assert.ok(e.reason.trim().length > 0, JSON.stringify(e));
    assert.deepEqual(outcome.snapshot.adaptations?.map((a) => a.seq), adapted.map((e) => e.seq));
  });

  it('lists the newest decisions under "adapted:" in orch status, each with its change and reason', () => {
    const at = status.indexOf('\n  adapted:\n');
    assert.ok(at >= 0, status);
    // How many decisions a run makes depends on the machine's timing (a loaded one may see a second
    // burst), so the section is checked against the run's own log, not against a fixed count.
    const lines = status.slice(at + '\n  adapted:\n'.length).split('\n').filter((l) => l.startsWith('    ')).map((l) => l.trim());
    const shown = adapted.slice(-5);
    if (adapted.length > 5) assert.equal(lines.shift(), `(${adapted.length - 5} earlier)`, status);
    assert.equal(lines.length, shown.length, status);
    shown.forEach((e, i) => {
      assert.ok(lines[i]!.includes(` ${e.kind} ${adaptationChange(e)}`) && lines[i]!.endsWith(`: ${e.reason}`), `${lines[i]} shows ${JSON.stringify(e)}`);
    });
    assert.match(parallelism[0]!.reason, /\d+ 429 answer/);
    assert.ok(parallelism.some((e) => /no rate limit/.test(e.reason)), JSON.stringify(parallelism));
    assert.ok(pace.some((e) => e.to === 'unlimited' && /\d+ tries got their answers/.test(e.reason)), JSON.stringify(pace));
  });
});
