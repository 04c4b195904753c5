import { strict as assert } from 'node:assert';
import { foldEvents } from '../../src/protocol/fold';
import { historyPoint } from '../../src/protocol/run-history';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { envelopes, graphsRunEvents, LIVE_RUN_MINUTES } from '../support/graphs-run';
import { costOverTime } from '../../webview/src/lib/chart-cost';
import { firstPassByModel } from '../../webview/src/lib/chart-first-pass';
import { verifiedAgainstForecast } from '../../webview/src/lib/chart-forecast';
import { learningCurve } from '../../webview/src/lib/chart-learning';
import { attemptTimeline } from '../../webview/src/lib/chart-timeline';

const START = Date.parse('2026-12-01T10:00:00.000Z');
const MIN = 60_000;

function fold(earlier?: number, start = START): RunSnapshot {
  const run = foldEvents(envelopes(earlier === undefined ? 'live' : `earlier-${earlier}`, start, graphsRunEvents(earlier)));
  assert.ok(run !== undefined);
  return run;
}

describe('graph data shaping (webview/src/lib/chart-*.ts)', () => {
  const live = fold();
  const now = START + LIVE_RUN_MINUTES * MIN;

  it('cost over time: cumulative per model and per agent, each from 0, ending at the run total', () => {
    const byModel = costOverTime(live, 'model');
    assert.deepEqual(byModel.series.map((s) => s.label), ['opus', 'sonnet', 'haiku']);
    const sum = byModel.totals.reduce((a, t) => a + t.costUsd, 0);
    assert.ok(Math.abs(sum - live.costUsd) < 1e-9, `${sum} vs ${live.costUsd}`);
    const opus = byModel.series[0];
    assert.deepEqual(opus?.points.map((p) => [Math.round(p.x), Number(p.y.toFixed(2))]), [[0, 0], [18, 0.9], [27, 2]]);
    const byAgent = costOverTime(live, 'agent');
    assert.deepEqual(byAgent.totals.map((t) => [t.label, t.attempts]), [['backend-engineer', 4], ['frontend-engineer', 4], ['security-reviewer', 2], ['qa-engineer', 1]]);
    for (const s of byAgent.series) for (let i = 1; i < s.points.length; i++) assert.ok((s.points[i]?.x ?? 0) >= (s.points[i - 1]?.x ?? 0) && (s.points[i]?.y ?? 0) >= (s.points[i - 1]?.y ?? 0), `${s.label} rises over time`);
    assert.match(byModel.summary, /^\$3\.\d{2} spent over 11 finished attempts by 3 models; most by opus \(\$2\.00, 5\d%\)\.$/);
    assert.equal(costOverTime(foldEvents(envelopes('empty', START, graphsRunEvents().slice(0, 2)))!, 'agent').summary, 'No attempt has finished yet, so nothing has been spent.');
  });

  it('tasks verified against the forecast: a step per verification, the latest forecast projected with its band', () => {
    const shape = verifiedAgainstForecast(live, now);
    assert.equal(shape.total, 10);
    const last = shape.actual[shape.actual.length - 1];
    assert.deepEqual(last, { x: LIVE_RUN_MINUTES, y: 8 });
    assert.deepEqual(shape.actual.slice(0, 3).map((p) => [Number(p.x.toFixed(2)), p.y]), [[0, 0], [5.5, 0], [5.5, 1]]);
    const p = shape.projection;
    assert.ok(p !== undefined);
    // The last forecast came when PRD-1/T3#2 finished at 27 min, 7 verified and 3 left: 10.5 min p50.
    assert.deepEqual([p.from, p.p50, p.lo, p.hi].map((q) => [Number(q.x.toFixed(2)), q.y]), [[27, 7], [37.5, 10], [34.35, 10], [42.75, 10]]);
    assert.equal(p.basis, 'history');
    assert.equal(shape.rows.length, 12, 'one forecast at the start and one per finished attempt');
    assert.ok(shape.rows.every((r) => r.finish.lo <= r.finish.p50 && r.finish.p50 <= r.finish.hi));
    assert.match(shape.summary, /^8 of 10 tasks verified; the latest forecast \(from history\) puts the finish at 38 min after the start \(80%: 34 min to 43 min\)\.$/);
    const done = verifiedAgainstForecast(fold(0), now);
    assert.equal(done.projection, undefined, 'a finished run has nothing left to project');
    assert.equal(done.actual[done.actual.length - 1]?.y, 10);
  });

  it('first-pass rate per model: first attempt verified with no defect, counted once decided', () => {
    const { rows, summary } = firstPassByModel(live);
    assert.deepEqual(rows.map((r) => [r.model, r.passed, r.decided]), [['haiku', 3, 4], ['sonnet', 2, 3], ['opus', 0, 1]]);
    assert.equal(summary, 'haiku 75% (3 of 4); sonnet 67% (2 of 3); opus 0% (0 of 1) of tasks verified on their first attempt with no defect.');
  });

  it('the learning curve: one point per run, oldest first, the shown run marked', () => {
    const runs = [0, 1, 2, 3].map((k) => historyPoint(fold(k, START - (4 - k) * 86_400_000)));
    const curve = learningCurve({ roadmapFile: 'roadmap.md', runs }, 'earlier-2');
    assert.equal(curve.current, 2);
    assert.deepEqual(curve.labels, ['#1 11-27', '#2 11-28', '#3 11-29', '#4 11-30']);
    const cost = curve.costPerVerifiedUsd.map((c) => c ?? Number.NaN);
    assert.ok(cost.every((c, i) => i === 0 || c < (cost[i - 1] ?? 0)), `cost per verified task falls: ${cost.join(', ')}`);
    assert.ok(curve.wallMinutes.every((m, i) => i === 0 || m < (curve.wallMinutes[i - 1] ?? 0)));
    assert.deepEqual(curve.defectsPerTask, [0.2, 0.2, 0, 0]);
    assert.match(curve.summary, /^4 runs of roadmap\.md, first to latest: cost per verified task \$0\.\d+ → \$0\.\d+ \(-\d+%\); wall time [\d.]+ min → [\d.]+ min \(-\d+%\); defects per task 0\.20 → 0\.00 \(-100%\)\.$/);
    assert.equal(learningCurve({ roadmapFile: 'r.md', runs: runs.slice(0, 1) }, undefined).summary, 'One run of r.md so far: a curve needs two.');
    const withLive = learningCurve({ roadmapFile: 'roadmap.md', runs: [...runs, historyPoint(live)] }, 'live');
    assert.equal(withLive.current, 4);
    assert.match(withLive.summary, / #5 is still going: its point moves until it ends\.$/);
  });

  it('the timeline: a lane per agent, overlapping attempts in sub-lanes, outcomes and reworks marked', () => {
    const t = attemptTimeline(live, now);
    assert.deepEqual(t.lanes, ['backend-engineer', 'backend-engineer (2)', 'frontend-engineer', 'qa-engineer', 'security-reviewer']);
    const bar = (id: string) => t.bars.find((b) => b.attemptId === id);
    assert.equal(bar('PRD-3/T1#1')?.lane, 'backend-engineer (2)', 'started while PRD-1/T1#1 ran');
    assert.equal(bar('PRD-1/T3#1')?.lane, 'backend-engineer', 'the lane was free again');
    assert.deepEqual([bar('PRD-2/T1#1')?.outcome, bar('PRD-2/T1#2')?.outcome, bar('PRD-2/T1#2')?.rework], ['sent-back', 'verified', true]);
    assert.deepEqual([bar('PRD-1/T3#1')?.outcome, bar('PRD-1/T3#2')?.rework], ['failed', true]);
    assert.deepEqual([bar('PRD-1/T4#1')?.outcome, bar('PRD-1/T4#1')?.end], ['running', LIVE_RUN_MINUTES]);
    assert.equal(t.peak, 3);
    assert.equal(t.summary, '13 attempts by 4 agents over 34 min, at most 3 at once; 3 reworks, 2 sent back, 1 failed, 2 running.');
  });
});
